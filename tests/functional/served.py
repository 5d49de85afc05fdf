"""A real OpenStack service started by one of the tools/*_serve.py
scripts (in its own venv) for a test module: the script prints
"listening PORT" once it serves; it is stopped at the end."""
import contextlib
import re
import subprocess
import threading

import pytest


@contextlib.contextmanager
def started(python, script, state_dir, database, log_file):
    """The URL of the service script serves; pytest.fail with the end of
    state_dir/log_file when it does not start."""
    log = open(state_dir / "serve.log", "w+")
    process = subprocess.Popen(
        [python, script, "--state-dir", str(state_dir), "--database",
         database], stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        found = None
        for line in process.stdout:
            found = re.match(r"listening (\d+)", line)
            if found:
                break
        # Whatever else it prints must not fill the pipe and stop it.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        if not found:
            logged = state_dir / log_file
            pytest.fail("%s did not start: %s" % (script, (
                logged.read_text()[-3000:] if logged.exists() else "")))
        yield "http://127.0.0.1:%s" % found.group(1)
    finally:
        process.terminate()
        process.wait(60)
        log.close()
