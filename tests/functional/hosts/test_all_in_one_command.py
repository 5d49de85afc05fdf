"""`stratus all-in-one --hosts N`: the banner lists the compute hosts and
the console proxies' URLs on the ports configured, and the hosts keep
their names (and service records) across restarts of one data dir."""
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _AllInOne:
    def __init__(self, tmp_path, *options):
        config = tmp_path / "stratus.conf"
        if not config.exists():
            config.write_text(
                "[serial_console]\nserialproxy_port = %d\n"
                "[vnc]\nnovncproxy_port = %d\n" % (_free_port(),
                                                   _free_port()))
        # The APIs on ports the OS chooses (0), read back from the banner:
        # a port picked free beforehand may be taken by another test's
        # server before this process binds it.
        command = [os.path.join(os.path.dirname(sys.executable), "stratus"),
                   "--config-file", str(config), "all-in-one",
                   "--auth", "noauth", "--data-dir", str(tmp_path / "data")]
        for api in ("compute", "identity", "image", "placement", "network",
                    "volume"):
            command += ["--%s-port" % api, "0"]
        errors = tmp_path / "all-in-one.err"
        with open(errors, "a") as stderr:
            self.process = subprocess.Popen(command + list(options),
                                            stdout=subprocess.PIPE,
                                            stderr=stderr, text=True)
        lines = []
        for line in self.process.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        self.banner = "".join(lines)
        assert self.banner, "the all-in-one ended without its banner:\n" + \
            errors.read_text()[-3000:]
        self.compute_port = int(self.banner.split(
            "  compute   http://127.0.0.1:")[1].split("/")[0])
        self.config = config.read_text()

    def computes(self):
        request = urllib.request.Request(
            "http://127.0.0.1:%d/v2.1/os-services?binary=nova-compute"
            % self.compute_port, headers={
                "X-Auth-Token": "admin:admin",
                "OpenStack-API-Version": "compute 2.53"})
        with urllib.request.urlopen(request, timeout=10) as response:
            services = json.load(response)["services"]
        return {s["host"]: (s["id"], s["state"]) for s in services}

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)


def test_hosts_in_the_banner_and_stable_across_restarts(tmp_path):
    # A data dir of the single-host layout: its one host is the machine.
    single = _AllInOne(tmp_path, "--hosts", "1")
    try:
        assert "  computes  %s (fake driver, 1 node)\n" % socket.gethostname() \
            in single.banner, single.banner
        serial, novnc = (line.split(" = ")[1] for line in
                         single.config.splitlines() if " = " in line)
        assert ("  consoles  serial ws://127.0.0.1:%s/, novnc "
                "http://127.0.0.1:%s/vnc_auto.html\n" % (serial, novnc)) \
            in single.banner, single.banner
    finally:
        single.stop()
    three = _AllInOne(tmp_path)
    try:
        assert "  computes  compute1, compute2, compute3 (fake driver, " \
            "1 node each)\n" in three.banner, three.banner
        assert "  not run   %s (" % socket.gethostname() in three.banner
        before = three.computes()
        assert {state for host, (_, state) in before.items()
                if host.startswith("compute")} == {"up"}
    finally:
        three.stop()
    two = _AllInOne(tmp_path, "--hosts", "2")
    try:
        assert "  computes  compute1, compute2 (" in two.banner
        not_run = two.banner.split("  not run   ")[1].split(" (")[0]
        assert sorted(not_run.split(", ")) == sorted(
            ["compute3", socket.gethostname()])
        after = two.computes()
        # The same hosts are the same services (ids) as before.
        assert after["compute1"][0] == before["compute1"][0]
        assert after["compute2"] == (before["compute2"][0], "up")
    finally:
        two.stop()
