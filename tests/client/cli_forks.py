"""A process that has imported the `openstack` CLI once and forks a
child for each command it is sent: every command still runs in a process
of its own, from `openstackclient.shell.main` as the `openstack` script
runs it, with its own environment, arguments, output and exit status,
but without the second or so each new interpreter spends importing the
client and scanning its plugins (tests/client/conftest.py's Cli; about
250 commands in the suite).

Protocol, one JSON line each way on stdin/stdout: {"args": [...],
"env": {...}, "timeout": seconds} -> {"returncode": n, "stdout": "...",
"stderr": "..."}. The child is killed past its timeout (returncode -9).
"""
import json
import os
import signal
import sys
import tempfile
import time


def _preload():
    """What every command imports, and the modules of every command of
    the client and its plugins (the entry points of the groups
    openstack.*)."""
    import importlib.metadata

    from openstackclient import shell

    for dist in importlib.metadata.distributions():
        for entry in dist.entry_points:
            if not entry.group.startswith("openstack."):
                continue
            try:
                entry.load()
            except Exception:  # noqa: BLE001 - it fails again when run
                pass
    return shell


def _run_child(shell, request, out_path, err_path):
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["openstack"] + request["args"]
    out = os.open(out_path, os.O_WRONLY)
    err = os.open(err_path, os.O_WRONLY)
    os.dup2(out, 1)
    os.dup2(err, 2)
    stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    sys.stdin = open(0, closefd=False)
    code = 1
    try:
        code = shell.main(request["args"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code or 0)


def _wait(pid, timeout):
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return -signal.SIGKILL
        time.sleep(0.01)


def serve():
    # The name the client takes for itself at import (cliff's App.NAME),
    # as when run from its script.
    sys.argv = [os.path.join(os.path.dirname(sys.executable), "openstack")]
    shell = _preload()
    replies = os.fdopen(os.dup(1), "w")
    for line in sys.stdin:
        request = json.loads(line)
        with tempfile.TemporaryDirectory(prefix="stratus-cli-") as tmp:
            out_path = os.path.join(tmp, "out")
            err_path = os.path.join(tmp, "err")
            for path in (out_path, err_path):
                open(path, "w").close()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _run_child(shell, request, out_path, err_path)
            code = _wait(pid, request["timeout"])
            with open(out_path) as out, open(err_path) as err:
                reply = {"returncode": code, "stdout": out.read(),
                         "stderr": err.read()}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


if __name__ == "__main__":
    serve()
