"""The previous release installed in an environment of its own, for the
grenade-style test (tests/upgrade/test_grenade.py).

previous_release.txt names the release (tag and commit). Its source comes
from this repository's history (`git archive <commit>`, never the
network), is installed non-editable into a venv with its dependencies from
the package registry (as tools/install.sh installs them), so the old code
is really apart from this tree's. The venv lives in
``${STRATUS_RELEASES_DIR:-~/.cache/stratus/releases}/<tag>/`` and is reused
while its stamp file names the commit. By hand:

    .venv/bin/python -m tests.upgrade.previous_release    # prints its stratus
"""
import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import time

RELEASE_FILE = os.path.join(os.path.dirname(__file__), "previous_release.txt")
REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
STAMP = "complete"


class Unavailable(Exception):
    """The previous release cannot be materialized here (no git, or a
    clone without its commit)."""


def release():
    """{"tag": ..., "commit": ...} from previous_release.txt."""
    values = {}
    with open(RELEASE_FILE) as handle:
        for line in handle:
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip()
    return values


def releases_dir():
    return os.environ.get("STRATUS_RELEASES_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "stratus", "releases")


def _git(*args, **kwargs):
    return subprocess.run(
        ["git", "-C", REPOSITORY] + list(args),
        check=True, capture_output=True, **kwargs)


def _check_commit(commit):
    if shutil.which("git") is None:
        raise Unavailable("git is not installed")
    try:
        _git("cat-file", "-e", commit + "^{commit}")
    except subprocess.CalledProcessError:
        raise Unavailable("commit %s is not in this clone's history (a "
                          "shallow clone? fetch it, or the tag)" % commit)


def materialize(progress=print):
    """The path of the previous release's `stratus` console script,
    building its venv first unless a complete one is there (a lock file
    keeps two test workers from building it at once)."""
    wanted = release()
    commit = wanted["commit"]
    home = os.path.join(releases_dir(), wanted["tag"])
    stratus = os.path.join(home, "venv", "bin", "stratus")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _stamped(home) == commit and os.access(stratus, os.X_OK):
            progress("previous release %s (%s): reusing %s"
                     % (wanted["tag"], commit[:10], home))
            return stratus
        _check_commit(commit)
        started = time.monotonic()
        _build(home, wanted["tag"], commit, progress)
        progress("previous release %s built in %.0f s"
                 % (wanted["tag"], time.monotonic() - started))
    return stratus


def _stamped(home):
    with contextlib.suppress(OSError):
        with open(os.path.join(home, STAMP)) as handle:
            return handle.read().strip()
    return None


def _build(home, tag, commit, progress):
    for stale in (STAMP, "src", "venv"):
        path = os.path.join(home, stale)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    source = os.path.join(home, "src")
    os.makedirs(source)
    progress("previous release %s: source of %s from git" % (tag, commit[:10]))
    archive = _git("archive", "--format=tar", commit).stdout
    subprocess.run(["tar", "-x", "-C", source], input=archive, check=True)
    venv = os.path.join(home, "venv")
    progress("previous release %s: venv and dependencies in %s" % (tag, venv))
    subprocess.run([_base_python(), "-m", "venv", venv], check=True)
    # Not editable: the installed package is the release's code, whatever
    # PYTHONPATH or the source directory do later.
    subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip",
                    "install", "--quiet", source], check=True,
                   env=_clean_env())
    with open(os.path.join(home, STAMP), "w") as handle:
        handle.write(commit + "\n")


def _base_python():
    return getattr(sys, "_base_executable", None) or sys.executable


def _clean_env():
    """This process's environment without what would put this tree's code
    in front of the release's (PYTHONPATH)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env


def release_env():
    """The environment to run the previous release's processes in."""
    return _clean_env()


if __name__ == "__main__":
    try:
        print(materialize(progress=lambda line: print(line, file=sys.stderr)))
    except Unavailable as error:
        sys.exit("previous release unavailable: %s" % error)
