import atexit
import json
import os
import subprocess
import sys
import threading

import pytest

from stratus.api.identity import clouds
from tests.functional import cloud as cloud_harness

BIN = os.path.dirname(sys.executable)
CLI_TIMEOUT = 120


class _CliForks:
    """One tests/client/cli_forks.py process per test worker, started on
    first use: it runs each command in a child of its own, forked from
    a process that has already imported the client."""

    def __init__(self):
        self.lock = threading.Lock()
        self.process = None

    def run(self, args, env):
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self.process = subprocess.Popen(
                    [sys.executable, os.path.join(os.path.dirname(
                        __file__), "cli_forks.py")],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    env=env, text=True)
            self.process.stdin.write(json.dumps(
                {"args": args, "env": env, "timeout": CLI_TIMEOUT}) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        if not line:
            raise AssertionError("the CLI fork server ended (exit %s)"
                                 % self.process.wait())
        reply = json.loads(line)
        if reply["returncode"] == -9:
            raise subprocess.TimeoutExpired(["openstack"] + args, CLI_TIMEOUT)
        return subprocess.CompletedProcess(
            ["openstack"] + args, reply["returncode"], reply["stdout"],
            reply["stderr"])

    def close(self):
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                self.process.stdin.close()
                self.process.wait(timeout=30)
            self.process = None


_FORKS = _CliForks()
atexit.register(_FORKS.close)


class Cli:
    """Runs the real `openstack` command against the running cloud (each
    command a process of its own, forked by _CliForks)."""

    def __init__(self, clouds_yaml, cloud_name="stratus"):
        self.env = dict(os.environ, OS_CLIENT_CONFIG_FILE=clouds_yaml,
                        OS_CLOUD=cloud_name)
        for key in list(self.env):
            if key.startswith("OS_") and key not in ("OS_CLIENT_CONFIG_FILE", "OS_CLOUD"):
                del self.env[key]

    def run(self, *args, check=True):
        result = _FORKS.run(list(args), self.env)
        if check and result.returncode != 0:
            raise AssertionError("openstack %s failed (%s):\n%s\n%s" % (
                " ".join(args), result.returncode, result.stdout, result.stderr))
        return result

    def json(self, *args):
        return json.loads(self.run(*args, "-f", "json").stdout)

    def as_cloud(self, name):
        return Cli(self.env["OS_CLIENT_CONFIG_FILE"], name)


@pytest.fixture
def cloud_layout():
    """start_cloud's hosts and nodes: the harness's one compute host of
    three nodes; a module overrides this fixture for another layout."""
    return {}


@pytest.fixture
def http_cloud(conf, sqlite_databases, tmp_path, cloud_layout):
    from tests.conftest import _CLOUD_DBS
    urls = _CLOUD_DBS["sqlite"].urls
    # The all-in-one's own network defaults (tests/conftest.py's conf
    # pins the functional tests' simpler ones): servers get ports of the
    # built-in network service, and a shared network "private".
    conf.clear_override("provider", group="network")
    conf.clear_override("private_cidr", group="neutron")
    running = cloud_harness.start_cloud(conf, urls, tmp_path, serve_http=True,
                                        auth="builtin", **cloud_layout)
    path = os.path.join(str(tmp_path), "clouds.yaml")
    clouds.write_clouds_yaml(path, conf)
    running.clouds_yaml = path
    yield running
    running.stop()


@pytest.fixture
def cli(http_cloud):
    return Cli(http_cloud.clouds_yaml)
