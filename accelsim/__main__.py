"""``python -m accelsim``: the command line, Ctrl-C guarded from its first import."""

import os

try:
    from accelsim.cli.main import main
except KeyboardInterrupt:
    os._exit(130)

main()
