"""The release a tree reports, and the previous release it names."""
import subprocess
import tomllib

import pytest

from stratus.cmd import main
from stratus import version
from tests.upgrade import previous_release


def test_stratus_version_prints_the_release(capsys):
    with pytest.raises(SystemExit) as exited:
        main.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == "stratus %s\n" % version.VERSION


def test_manage_version_prints_the_release(capsys):
    assert main.main(["manage", "version"]) == 0
    assert capsys.readouterr().out == version.VERSION + "\n"


def test_the_package_version_is_the_one_in_version_py():
    with open(previous_release.REPOSITORY + "/pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "stratus.version.VERSION"}


def test_the_previous_release_is_older_and_its_tag_names_its_commit():
    wanted = previous_release.release()
    older = tuple(int(part) for part in wanted["tag"].lstrip("v").split("."))
    assert older < tuple(int(part) for part in version.VERSION.split(".")[:3])
    try:
        tagged = subprocess.run(
            ["git", "-C", previous_release.REPOSITORY, "rev-parse",
             wanted["tag"] + "^{commit}"], capture_output=True, text=True,
            check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("no tag %s in this clone" % wanted["tag"])
    assert tagged == wanted["commit"]
