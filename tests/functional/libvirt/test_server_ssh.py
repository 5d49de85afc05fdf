"""`openstack server ssh` reaches a real guest through its floating IP.

An all-in-one with libvirt and the built-in network service's dataplane,
serving HTTP with its own authentication: the real `openstack` CLI (as
the demo user) imports an ed25519 key made with ssh-keygen, makes a
security group letting SSH (and ping) in, boots the tiny guest (dropbear
for root with the metadata's key) on the bootstrap's network `private`
(joined to `public` by `router1`), attaches a floating IP, and runs a
command on the guest with `openstack server ssh`, which runs the host's
ssh to the floating address.
"""
import os
import random
import subprocess
import time

import pytest

from stratus.api.identity import clouds
from tests.client import conftest as client
from tests.functional.libvirt import conftest as guests
from tests.functional.libvirt import test_floating_ip_traffic as traffic

pytestmark = [pytest.mark.slow, pytest.mark.libvirt,
              pytest.mark.xdist_group("dataplane")]

SERVER = "ssh-guest"
SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no",
               "-o", "UserKnownHostsFile=/dev/null",
               "-o", "BatchMode=yes", "-o", "ConnectTimeout=20",
               "-o", "LogLevel=ERROR"]


@pytest.fixture(scope="module")
def ssh_cloud(libvirt_host, tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("ssh-guests")
    # The bootstrap's `private` on a /24 of its own (nothing else on this
    # machine uses it meanwhile).
    overrides = {("neutron", "private_cidr"): "10.234.%d.0/24"
                 % random.randrange(1, 255)}
    with guests.exclusive_guests(), traffic.dataplane_cloud(
            tmp_dir, "ssh", overrides, auth="builtin") as env:
        path = os.path.join(str(tmp_dir), "clouds.yaml")
        clouds.write_clouds_yaml(path, env.conf)
        env.cli = client.Cli(path, "stratus-demo")
        yield env


def _server_ssh(cli, key, command):
    """`openstack server ssh` running command as root with key: its
    stdout (the CLI runs ssh in a shell and exits 0 whatever ssh does)."""
    # Options before the server: what follows it goes to ssh.
    return cli.run("server", "ssh", "--address-type", "public", SERVER,
                   "--", "-l", "root", "-i", key, *SSH_OPTIONS, command)


def test_server_ssh_reaches_the_guest_through_its_floating_ip(
        ssh_cloud, tmp_path):
    env, cli = ssh_cloud, ssh_cloud.cli
    key = str(tmp_path / "id_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key],
                   check=True)
    cli.run("keypair", "create", "--public-key", key + ".pub", "ssh-key")
    cli.run("security", "group", "create", "ssh-sg")
    cli.run("security", "group", "rule", "create", "--protocol", "tcp",
            "--dst-port", "22", "--ingress", "ssh-sg")
    cli.run("security", "group", "rule", "create", "--protocol", "icmp",
            "--ingress", "ssh-sg")
    # router1 (the admin project's) joins the shared `private` to public.
    admin = cli.as_cloud("stratus")
    router = admin.json("router", "show", "router1")
    assert router["external_gateway_info"]["network_id"] == admin.json(
        "network", "show", "public")["id"]

    server = cli.json("server", "create", "--image", "tiny", "--flavor",
                      "guest.tiny", "--network", "private", "--key-name",
                      "ssh-key", "--security-group", "ssh-sg", "--wait",
                      SERVER)
    started = time.monotonic()
    try:
        address = cli.json("floating", "ip",
                           "create", "public")["floating_ip_address"]
        cli.run("server", "add", "floating", "ip", SERVER, address)
        log = env.wait_for_console(server["id"], "STRATUS-GUEST-SSH ready",
                                   timeout=60)
        assert "STRATUS-GUEST-KEY ssh-ed25519 " in log
        hostname = log.split("STRATUS-GUEST-UP ", 1)[1].split()[0]

        # The floating IP shows in the server's addresses (what the CLI
        # picks with --address-type public), and its NAT takes a moment.
        # A loaded machine slows a TCG guest's first answers (dropbear
        # makes its host key on the first connection): try for a while.
        deadline = time.monotonic() + 120
        result = _server_ssh(cli, key, "hostname")
        while (result.stdout.strip() != hostname
               and time.monotonic() < deadline):
            time.sleep(1)
            result = _server_ssh(cli, key, "hostname")
        assert result.stdout.strip() == hostname, (
            result.stderr, traffic._host_pings(address),
            cli.json("server", "show", SERVER)["addresses"],
            env.console(server["id"]))
        assert _server_ssh(cli, key, "id -u").stdout.strip() == "0"
        print("guest time to a command over ssh: %.1fs"
              % (time.monotonic() - started))
    finally:
        env.delete(server["id"])
