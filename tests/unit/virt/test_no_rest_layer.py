"""The drivers, and the guest content their config drives carry, do not
import the REST layer (stratus.api): a compute host runs them without it."""
import ast
import pathlib

import stratus

PACKAGE = pathlib.Path(stratus.__file__).parent


def _imported(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (node.module + "." + alias.name
                        for alias in node.names)


def test_drivers_and_metadata_content_do_not_import_stratus_api():
    importing = sorted(
        "%s imports %s" % (path.relative_to(PACKAGE.parent), name)
        for folder in ("virt", "metadata")
        for path in (PACKAGE / folder).rglob("*.py")
        for name in _imported(path)
        if name == "stratus.api" or name.startswith("stratus.api."))
    assert not importing, importing
