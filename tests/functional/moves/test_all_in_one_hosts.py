"""The all-in-one as configured by default is a cloud of three compute
hosts (compute1 ... compute3, one fake node each): every move, anti-
affinity and host maintenance work on it without any extra set-up."""
import pytest

from stratus.objects import fields
from tests import dbs
from tests.functional import cloud as cloud_harness
from tests.functional.moves import conftest as moves_env

# SQLite only: the subject is the default layout of hosts. What it does
# on every database: tests/functional/moves' test_resize.py (resize,
# revert), test_live_migration.py, test_evacuate.py and
# test_move_failures.py; a cold migration in
# network/test_server_ports.py::test_a_moved_server_takes_its_port_along;
# anti-affinity in scheduling/test_server_group_races.py; a disabled
# service in hosts/test_services.py.
pytestmark = [pytest.mark.slow, dbs.SQLITE_ONLY]

HOSTS = ["compute1", "compute2", "compute3"]


@pytest.fixture
def aio(conf, databases, cloud_urls, tmp_path):
    """The default all-in-one layout (no host or node option set)."""
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path,
                                        hosts=None, nodes=None)
    env = moves_env.Moves(running, hosts=1)
    yield env
    env.stop()


def _service(env, host):
    service, = env.admin.get("/os-services?host=%s&binary=nova-compute"
                             % host, version="2.53")["services"]
    return service


def _set_service(env, host, **changes):
    env.admin.put("/os-services/%s" % _service(env, host)["id"], changes,
                  version="2.53")


def _moved(env, server, action, status="VERIFY_RESIZE", client=None):
    """The server once action has moved it (status, no task)."""
    response = env.act(server["id"], action, client=client)
    # evacuate answers 200 (its body, empty at 2.14+), the others 202.
    assert response.status_int in (200, 202), response.text
    moved = env.wait(server["id"], {status, "ERROR"})
    assert moved["status"] == status, moved.get("fault")
    assert moved["OS-EXT-SRV-ATTR:host"] != server["OS-EXT-SRV-ATTR:host"]
    return moved


def _confirmed(env, server_id):
    response = env.act(server_id, {"confirmResize": None})
    assert response.status_int == 204, response.text
    return env.wait(server_id, {"ACTIVE"})


def test_three_compute_hosts_each_a_service_and_a_hypervisor(aio):
    services = aio.admin.get("/os-services?binary=nova-compute",
                             version="2.53")["services"]
    assert sorted((s["host"], s["state"], s["status"]) for s in services) \
        == [(host, "up", "enabled") for host in HOSTS]
    hypervisors = aio.admin.get("/os-hypervisors/detail",
                                version="2.53")["hypervisors"]
    assert sorted((h["hypervisor_hostname"], h["service"]["host"])
                  for h in hypervisors) == [(host, host) for host in HOSTS]


def test_resize_lands_on_another_host_and_confirms(aio):
    server = aio.active()
    source = server["OS-EXT-SRV-ATTR:host"]
    moved = _moved(aio, server, {"resize": {"flavorRef": "2"}},
                   client=aio.demo)
    confirmed = _confirmed(aio, server["id"])
    assert confirmed["flavor"]["original_name"] == "m1.small"
    assert confirmed["OS-EXT-SRV-ATTR:host"] == \
        moved["OS-EXT-SRV-ATTR:host"]
    assert aio.driver(source).guest(server["id"]) is None
    assert aio.driver(moved["OS-EXT-SRV-ATTR:host"]).guest(
        server["id"]).power_state == fields.PowerState.RUNNING


def test_cold_migration_moves_to_another_host(aio):
    server = aio.active()
    moved = _moved(aio, server, {"migrate": None}, client=aio.admin)
    confirmed = _confirmed(aio, server["id"])
    assert confirmed["OS-EXT-SRV-ATTR:host"] == \
        moved["OS-EXT-SRV-ATTR:host"]


def test_live_migration_moves_the_running_guest(aio):
    server = aio.active()
    source = server["OS-EXT-SRV-ATTR:host"]
    moved = _moved(aio, server, {"os-migrateLive": {
        "host": None, "block_migration": "auto"}}, status="ACTIVE",
        client=aio.admin)
    dest = moved["OS-EXT-SRV-ATTR:host"]
    assert aio.driver(source).guest(server["id"]) is None
    assert aio.driver(dest).guest(server["id"]).power_state == fields.PowerState.RUNNING
    migration, = aio.migrations(server["id"])
    assert (migration["migration_type"], migration["status"]) == (
        "live-migration", "completed")


def test_evacuate_from_a_host_forced_down(aio):
    server = aio.active()
    source = server["OS-EXT-SRV-ATTR:host"]
    aio.service(source).stop()
    _set_service(aio, source, forced_down=True)
    # Since 2.95 an evacuated server arrives stopped (Nova's default).
    moved = _moved(aio, server, {"evacuate": {}}, status="SHUTOFF",
                   client=aio.admin)
    assert aio.driver(moved["OS-EXT-SRV-ATTR:host"]).guest(
        server["id"]).power_state == fields.PowerState.SHUTDOWN
    migration, = aio.migrations(server["id"])
    assert (migration["migration_type"], migration["status"]) == (
        "evacuation", "done")
    # The host comes back and removes the guest it no longer holds.
    _set_service(aio, source, forced_down=False)
    aio.service(source).start()
    assert aio.driver(source).guest(server["id"]) is None


def test_three_servers_of_an_anti_affinity_group_on_three_hosts(aio):
    group = aio.group("anti-affinity")
    servers = [aio.settled(aio.boot(name="vm%d" % index,
                                    hints={"group": group}))
               for index in range(3)]
    assert [s["status"] for s in servers] == ["ACTIVE"] * 3
    hosts = {aio.host_of(s["id"]) for s in servers}
    assert hosts == set(HOSTS)
    # A fourth has no host left.
    fourth = aio.settled(aio.boot(name="vm4", hints={"group": group}))
    assert fourth["status"] == "ERROR"


def test_a_disabled_service_gets_no_new_servers(aio):
    _set_service(aio, "compute1", status="disabled",
                 disabled_reason="maintenance")
    _set_service(aio, "compute2", status="disabled",
                 disabled_reason="maintenance")
    servers = [aio.active() for _ in range(3)]
    assert {s["OS-EXT-SRV-ATTR:host"] for s in servers} == {"compute3"}
    # Nor does a move pick it.
    response = aio.act(servers[0]["id"], {"migrate": None},
                       client=aio.admin)
    assert response.status_int == 202, response.text
    failed = aio.wait(servers[0]["id"], {"ACTIVE", "ERROR"})
    assert failed["OS-EXT-SRV-ATTR:host"] == "compute3"
