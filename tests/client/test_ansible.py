"""The Ansible collection openstack.cloud against the all-in-one, with
the openstack.cloud.server module's defaults (auto_ip: yes): a playbook
on localhost makes a key pair, a security group with a rule and a server
with a floating IP, then removes them (state: absent).
docs/decisions/ansible-test-dependency.md says why ansible is a test
dependency."""
import json
import os
import subprocess
import sys

import pytest
import yaml

pytestmark = pytest.mark.slow

pytest.importorskip("ansible_collections.openstack.cloud",
                    reason="ansible (with the openstack.cloud collection) "
                           "is not installed: pip install -e .[test]")

BIN = os.path.dirname(sys.executable)
PUBLIC_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB4vJvFmvp0nS4HZtH4Jc3u0"
              "v5Vh9D1f0cQ8YzJ5mG6w ansible@stratus")
CLOUD = "stratus-demo"


def _playbook(state):
    present = state == "present"
    common = {"cloud": CLOUD, "state": state}
    server = dict(common, name="ans-vm", delete_ips=True)
    if present:
        server.update(image="stratus-tiny", flavor="m1.tiny",
                      key_name="ans-key", security_groups=["ans-sg"],
                      timeout=120)
    rule = dict(common, security_group="ans-sg", protocol="tcp",
                port_range_min=22, port_range_max=22,
                remote_ip_prefix="0.0.0.0/0")
    tasks = [
        {"name": "key pair", "openstack.cloud.keypair": dict(
            common, name="ans-key",
            **({"public_key": PUBLIC_KEY} if present else {}))},
        {"name": "security group", "openstack.cloud.security_group": dict(
            common, name="ans-sg", description="ssh")},
        {"name": "ssh rule", "openstack.cloud.security_group_rule": rule},
        {"name": "server", "openstack.cloud.server": server,
         "register": "vm"},
        {"name": "what the server module answered", "ansible.builtin.copy": {
            "content": "{{ vm | to_json }}", "dest": "{{ result_file }}"}},
    ]
    if not present:
        # The server (and its floating IP) goes before its group and key.
        tasks = [tasks[3], tasks[2], tasks[1], tasks[0], tasks[4]]
    return [{"hosts": "localhost", "connection": "local",
             "gather_facts": False, "tasks": tasks}]


# openstack.cloud 2.5.0 (the collection ansible 12.3.0 bundles) reads
# openstack.version.__version__ after `import openstack`; openstacksdk 4.x
# no longer imports that module itself. Any user of this pair needs it
# imported first: a sitecustomize on the modules' PYTHONPATH does it.
SITECUSTOMIZE = """\
try:
    import openstack.version  # noqa: F401
except ImportError:
    pass
"""


def playbook_env(http_cloud, tmp_path, **extra):
    """The environment ansible-playbook runs in: the cloud's clouds.yaml
    and nothing else of OS_*, the sitecustomize above, Ansible's files
    under tmp_path."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = dict(os.environ, OS_CLIENT_CONFIG_FILE=http_cloud.clouds_yaml,
               ANSIBLE_HOME=str(tmp_path / "ansible-home"),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               PYTHONPATH=str(site),
               PATH=BIN + os.pathsep + os.environ.get("PATH", ""), **extra)
    for key in list(env):
        if key.startswith("OS_") and key != "OS_CLIENT_CONFIG_FILE":
            del env[key]
    return env


def _run_playbook(http_cloud, tmp_path, state):
    path = tmp_path / ("%s.yaml" % state)
    path.write_text(yaml.safe_dump(_playbook(state), sort_keys=False))
    result_file = tmp_path / ("%s.json" % state)
    env = playbook_env(http_cloud, tmp_path)
    completed = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,",
         "-e", "ansible_python_interpreter=%s" % sys.executable,
         "-e", "result_file=%s" % result_file, str(path)],
        env=env, capture_output=True, text=True, timeout=300)
    if "/os-security-groups, The resource could not be found" in \
            completed.stdout:
        # The server module reads every server's groups through it.
        pytest.skip("the compute API's GET /servers/{server_id}/"
                    "os-security-groups is not served here")
    assert completed.returncode == 0, completed.stdout[-4000:] + \
        completed.stderr[-2000:]
    return json.loads(result_file.read_text())


def test_server_module_defaults_make_a_server_with_a_floating_ip(
        http_cloud, tmp_path):
    import openstack
    with open(http_cloud.clouds_yaml) as handle:
        conn = openstack.connect(**yaml.safe_load(handle)["clouds"][CLOUD])

    made = _run_playbook(http_cloud, tmp_path, "present")
    assert made["changed"] is True
    server = conn.get_server("ans-vm")
    assert server.status == "ACTIVE"
    assert server.key_name == "ans-key"
    floating = [address["addr"] for address in server.addresses["private"]
                if address["OS-EXT-IPS:type"] == "floating"]
    assert floating and server.public_v4 == floating[0]
    [fip] = conn.list_floating_ips()
    assert fip.floating_ip_address == server.public_v4
    group = conn.get_security_group("ans-sg")
    assert any(rule["port_range_min"] == 22 and rule["protocol"] == "tcp"
               for rule in group.security_group_rules)
    assert all(group.id in port.security_group_ids
               for port in conn.network.ports(device_id=server.id))

    # Again: nothing to change.
    assert _run_playbook(http_cloud, tmp_path, "present")["changed"] is False

    _run_playbook(http_cloud, tmp_path, "absent")
    assert conn.get_server("ans-vm") is None
    assert conn.list_floating_ips() == []
    assert conn.get_security_group("ans-sg") is None
    assert conn.compute.find_keypair("ans-key") is None
