"""stratus/compute/ holds what runs on a hypervisor host, which has no
database credentials: none of its modules imports the compute API's
business layer (stratus/compute_api/, which runs in `stratus api`) or
the database layer."""
import ast
import pathlib

import stratus

_FORBIDDEN = ("stratus.compute_api", "stratus.db")
_HOST_SIDE = pathlib.Path(stratus.__file__).parent / "compute"


def _imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from ("%s.%s" % (node.module, alias.name)
                        for alias in node.names)


def test_host_side_imports_neither_the_api_side_nor_the_database():
    found = []
    for path in sorted(_HOST_SIDE.rglob("*.py")):
        for module in _imported_modules(path):
            if any(module == name or module.startswith(name + ".")
                   for name in _FORBIDDEN):
                found.append("%s imports %s" % (path.name, module))
    assert not found, found
