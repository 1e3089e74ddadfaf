"""The import rules of STYLE.md, checked by reading every module's imports.

cli -> report | explore -> api -> hw | workload | functional -> sim
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "accelsim"


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(subpackage: str = "") -> dict[str, set[str]]:
    root = PACKAGE / subpackage if subpackage else PACKAGE
    return {str(p.relative_to(PACKAGE)): imports_of(p) for p in sorted(root.rglob("*.py"))}


def test_the_simulator_core_imports_only_stdlib_simpy_numpy_and_itself() -> None:
    allowed_third_party = {"simpy", "numpy"}
    for module, names in modules("sim").items():
        for name in names:
            top = name.split(".")[0]
            ok = (top in sys.stdlib_module_names or top in allowed_third_party
                  or name.startswith("accelsim.sim") or name == "accelsim.errors")
            assert ok, f"sim/{module} imports {name}"


def test_nothing_imports_the_cli() -> None:
    for module, names in modules().items():
        if module.startswith("cli/") or module == "__main__.py":
            continue
        assert not any(n.startswith("accelsim.cli") for n in names), module


def test_only_the_workload_front_end_touches_onnx() -> None:
    for module, names in modules().items():
        if module.startswith("workload/") or module.startswith("functional/"):
            continue
        assert not any(n.split(".")[0] in {"onnx", "onnxruntime"} for n in names), module


def test_hw_and_workload_do_not_import_reports() -> None:
    for sub in ("hw", "workload", "sim"):
        for module, names in modules(sub).items():
            assert not any(n.startswith(("accelsim.report", "accelsim.explore"))
                           for n in names), f"{sub}/{module}"


def test_only_hw_meets_yaml_and_pydantic() -> None:
    for module, names in modules().items():
        if module.startswith("hw/"):
            continue
        assert not any(n.split(".")[0] in {"yaml", "pydantic"} for n in names), module


def test_reports_do_not_import_the_explorer() -> None:
    for module, names in modules("report").items():
        assert not any(n.startswith("accelsim.explore") for n in names), f"report/{module}"
