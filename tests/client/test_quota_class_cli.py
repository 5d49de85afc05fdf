"""The real `openstack` CLI on quota classes: the default class set with
`quota set --class` becomes every project's default quota."""
import pytest

pytestmark = pytest.mark.slow


def test_default_class_sets_the_defaults(cli):
    cli.run("quota", "set", "--class", "--instances", "21", "--cores", "42",
            "default")
    defaults = cli.json("quota", "show", "--default", "--compute")
    rows = {row["Resource"]: row["Limit"] for row in defaults} \
        if isinstance(defaults, list) else defaults
    assert (rows["instances"], rows["cores"]) == (21, 42)
