"""`stratus all-in-one` serves Placement on its own port, says so in its
banner, and names the same URL in the identity catalog."""
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest
import yaml

pytestmark = pytest.mark.slow


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_banner_names_placement_and_it_answers(tmp_path):
    placement_port = _free_port()
    command = [os.path.join(os.path.dirname(sys.executable), "stratus"),
               "all-in-one", "--data-dir", str(tmp_path / "data"),
               "--compute-port", str(_free_port()),
               "--identity-port", str(_free_port()),
               "--image-port", str(_free_port()),
               "--placement-port", str(placement_port),
               "--network-port", str(_free_port()),
                   "--volume-port", str(_free_port())]
    process = subprocess.Popen(command, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        banner = "".join(lines)
        url = "http://127.0.0.1:%d" % placement_port
        assert "  placement %s\n" % url in banner, banner
        with urllib.request.urlopen(url + "/", timeout=10) as response:
            versions = json.load(response)["versions"]
        assert versions[0]["max_version"] == "1.39"
        clouds_yaml = banner.split("clouds    ")[1].split(" ")[0]
        with open(clouds_yaml) as handle:
            auth = yaml.safe_load(handle)["clouds"]["stratus"]["auth"]
        request = urllib.request.Request(
            auth["auth_url"].rstrip("/") + "/auth/tokens",
            data=json.dumps({"auth": {
                "identity": {"methods": ["password"], "password": {"user": {
                    "name": auth["username"], "password": auth["password"],
                    "domain": {"id": "default"}}}},
                "scope": {"project": {"name": auth["project_name"],
                                      "domain": {"id": "default"}}}}}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            catalog = json.load(response)["token"]["catalog"]
        (placement,) = [s for s in catalog if s["type"] == "placement"]
        assert {e["url"] for e in placement["endpoints"]} == {url}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
