"""Drive the running all-in-one with the real `openstack` CLI, as a user
would (point 2 of the foundation issue)."""
import pytest

pytestmark = pytest.mark.slow

SSH_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB4vJvFmvp0nS4HZtH4Jc3u0v5Vh"
           "9D1f0cQ8YzJ5mG6w test@stratus")


def test_flavors(cli):
    names = {f["Name"] for f in cli.json("flavor", "list")}
    assert {"m1.tiny", "m1.small"} <= names
    created = cli.json("flavor", "create", "--ram", "256", "--vcpus", "1",
                       "--disk", "1", "--id", "cli-1", "cli.flavor")
    assert created["ram"] == 256 and created["id"] == "cli-1"
    shown = cli.json("flavor", "show", "cli.flavor")
    assert shown["vcpus"] == 1
    cli.run("flavor", "delete", "cli.flavor")
    assert "cli.flavor" not in {f["Name"] for f in cli.json("flavor", "list")}


def test_server_lifecycle(cli, tmp_path):
    key_file = tmp_path / "k.pub"
    key_file.write_text(SSH_KEY + "\n")
    cli.run("keypair", "create", "--public-key", str(key_file), "k1")
    assert [k["Name"] for k in cli.json("keypair", "list")] == ["k1"]
    assert cli.json("keypair", "show", "k1")["name"] == "k1"

    image = cli.json("image", "list")[0]["Name"]
    server = cli.json("server", "create", "--flavor", "m1.tiny", "--image", image,
                      "--key-name", "k1", "--wait", "vm1")
    assert server["status"] == "ACTIVE"
    assert server["key_name"] == "k1"

    listed = cli.json("server", "list")
    assert [s["Name"] for s in listed] == ["vm1"]
    cli.run("server", "set", "--name", "vm1-renamed", "vm1")
    cli.run("server", "set", "--property", "role=web", "vm1-renamed")
    shown = cli.json("server", "show", "vm1-renamed")
    assert shown["properties"] == {"role": "web"}
    cli.run("server", "unset", "--property", "role", "vm1-renamed")
    assert cli.json("server", "show", "vm1-renamed")["properties"] == {}

    events = cli.json("server", "event", "list", "vm1-renamed")
    assert "create" in {e["Action"] for e in events}

    cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
            "--min", "5", "--max", "5", "--wait", "many")
    statuses = {s["Name"]: s["Status"] for s in cli.json("server", "list")}
    assert sum(1 for name in statuses if name.startswith("many-")) == 5
    assert set(statuses.values()) == {"ACTIVE"}

    cli.run("server", "delete", "--wait", "vm1-renamed")
    assert "vm1-renamed" not in {s["Name"] for s in cli.json("server", "list")}
    cli.run("keypair", "delete", "k1")
    assert cli.json("keypair", "list") == []


def test_hosts_services_zones_limits_images(cli):
    hypervisors = cli.json("hypervisor", "list")
    assert len(hypervisors) == 3
    shown = cli.json("hypervisor", "show", hypervisors[0]["Hypervisor Hostname"])
    assert shown["hypervisor_hostname"] == hypervisors[0]["Hypervisor Hostname"]

    services = cli.json("compute", "service", "list")
    binaries = {s["Binary"] for s in services}
    assert {"nova-compute", "nova-conductor", "nova-scheduler"} <= binaries
    compute = [s for s in services if s["Binary"] == "nova-compute"][0]
    cli.run("compute", "service", "set", "--disable", "--disable-reason",
            "maintenance", compute["Host"], "nova-compute")
    after = [s for s in cli.json("compute", "service", "list")
             if s["Binary"] == "nova-compute"][0]
    assert after["Status"] == "disabled"

    zones = cli.json("availability", "zone", "list", "--compute")
    assert {"nova"} <= {z["Zone Name"] for z in zones}

    limits = {row["Name"]: row["Value"] for row in
              cli.json("limits", "show", "--absolute")}
    # openstackclient shows openstacksdk's names for Nova's absolute limits
    assert limits["instances"] == 10  # maxTotalInstances
    assert limits["instances_used"] == 0  # totalInstancesUsed
    assert limits["total_cores"] == 20

    assert cli.json("image", "list")


def test_member_cannot_see_admin_servers(cli):
    image = cli.json("image", "list")[0]["Name"]
    cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
            "--wait", "admin-vm")
    demo = cli.as_cloud("stratus-demo")
    assert demo.json("server", "list") == []
    denied = demo.run("server", "show", "admin-vm", check=False)
    assert denied.returncode != 0
