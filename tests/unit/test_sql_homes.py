"""SQL lives only in its homes: the objects layer, the placement data
layer, the database layer (migrations included) and the data packages of
the built-in identity, image and network services (the network service's
in network/store: the rest of network/ runs on computes) (docs/architecture.md, "Where
SQL lives"). No other module of stratus/ imports sqlalchemy, at its top
or inside a function."""
import ast
import pathlib

import stratus

PACKAGE = pathlib.Path(stratus.__file__).parent
HOMES = ("objects/", "placement/", "db/", "identity/", "image/",
         "network/store/", "volume/store/")


def _imports_sqlalchemy(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "sqlalchemy" or name.startswith("sqlalchemy.")
               for name in names):
            return True
    return False


def test_no_module_outside_the_homes_imports_sqlalchemy():
    found = sorted(
        "stratus/%s" % relative
        for path in PACKAGE.rglob("*.py")
        for relative in [path.relative_to(PACKAGE).as_posix()]
        if not relative.startswith(HOMES)
        and _imports_sqlalchemy(path))
    assert not found, "sqlalchemy imported outside its homes: %s" % (
        ", ".join(found))


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def read():\n    from sqlalchemy import exc\n",
                      encoding="utf-8")
    assert _imports_sqlalchemy(module)
    module.write_text("import sqlalchemy_utils_not_sqlalchemy\n",
                      encoding="utf-8")
    assert not _imports_sqlalchemy(module)
