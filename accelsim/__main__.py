from accelsim.cli.main import main

main()
