"""shelve, shelveOffload and unshelve through the API: states, the
shelved snapshot, placement usages per provider before and after, the
instance actions, Nova's rules per microversion, and the failure paths."""
import datetime

import pytest
import sqlalchemy as sa

from stratus import context
from stratus.db import cell_models
from stratus.objects import instance as instance_obj
from stratus.objects import base as objects_base
from tests.functional.shelve.conftest import FIRST_HOST
from tests.functional.shelve.conftest import SECOND_HOST

pytestmark = pytest.mark.slow

TINY = {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1}


def _shelved_image(shelving, server_id):
    images = [image for image in shelving.admin.app_images()
              if image["name"].endswith("-shelved")
              and image.get("metadata", {}).get("instance_uuid") == server_id]
    return images


def _act(shelving, server_id, body, expected=202, client=None,
         version=None):
    response = shelving.act(server_id, body, client=client,
                            version=version or "2.100")
    assert response.status_int == expected, response.text
    return response


def test_shelve_offload_and_unshelve_to_another_host(
        shelving_on_each_database):
    shelving = shelving_on_each_database
    server_id = shelving.server("web")
    first = shelving.host_of(server_id)
    assert shelving.used() == {first: TINY}

    _act(shelving, server_id, {"shelve": None})
    shelved = shelving.settled(server_id)
    assert shelved["status"] == "SHELVED_OFFLOADED"
    admin_view = shelving.admin.server(server_id)
    assert admin_view["OS-EXT-SRV-ATTR:host"] is None
    assert admin_view["OS-EXT-SRV-ATTR:hypervisor_hostname"] is None
    assert admin_view["OS-EXT-STS:power_state"] == 0
    # Nothing left on the host, in placement or in the hypervisor.
    assert shelving.used_settle({}) == {}
    assert server_id not in shelving.driver(first).list_instance_uuids()
    image = shelving.image_doc(_sysmeta(shelving, server_id)["shelved_image_id"])
    assert (image["name"], image["status"]) == ("web-shelved", "ACTIVE")
    assert image["metadata"]["image_type"] == "snapshot"
    assert image["metadata"]["instance_uuid"] == server_id
    assert shelving.results(server_id, "shelve") == {
        "compute_shelve_instance": "Success"}

    other = SECOND_HOST if first == FIRST_HOST else FIRST_HOST
    _act(shelving, server_id, {"unshelve": {"host": other}}, version="2.91",
         client=shelving.admin)
    server = shelving.settled(server_id)
    assert server["status"] == "ACTIVE"
    assert shelving.host_of(server_id) == other
    assert shelving.used() == {other: TINY}
    guest = shelving.driver(other).guest(server_id)
    assert guest is not None and guest.power_state == 1
    # The snapshot and the shelve records go once it runs again.
    assert shelving.image_doc(image["id"]) is None
    assert "shelved_image_id" not in _sysmeta(shelving, server_id)
    assert shelving.results(server_id, "unshelve") == {
        "get_image_info": "Success", "schedule_instances": "Success",
        "compute_unshelve_instance": "Success"}


def test_shelve_kept_on_host_offload_by_admin_and_by_the_compute(
        shelving_kept):
    shelving = shelving_kept
    server_id = shelving.server("kept")
    host = shelving.host_of(server_id)
    _act(shelving, server_id, {"shelve": None})
    assert shelving.settled(server_id)["status"] == "SHELVED"
    # Still on its host, holding its resources, its guest off.
    assert shelving.host_of(server_id) == host
    assert shelving.used() == {host: TINY}
    assert shelving.driver(host).guest(server_id).power_state == 4
    image_id = _sysmeta(shelving, server_id)["shelved_image_id"]
    assert shelving.image_doc(image_id)["status"] == "ACTIVE"
    # A zone or a host only for an offloaded server.
    response = _act(shelving, server_id, {"unshelve": {"host": host}},
                    expected=409, version="2.91", client=shelving.admin)
    assert response.json["conflictingRequest"]["message"] == (
        "Specifying an availability zone or a host when unshelving server "
        "%s with status shelved is not supported. The server status must "
        "be SHELVED_OFFLOADED." % server_id)

    # Unshelving a SHELVED server powers its guest on where it is.
    _act(shelving, server_id, {"unshelve": None})
    assert shelving.settled(server_id)["status"] == "ACTIVE"
    assert shelving.driver(host).guest(server_id).power_state == 1
    assert shelving.used() == {host: TINY}
    assert shelving.image_doc(image_id) is None

    _act(shelving, server_id, {"shelve": None})
    shelving.settled(server_id)
    # shelveOffload is the admin's.
    _act(shelving, server_id, {"shelveOffload": None}, expected=403)
    _act(shelving, server_id, {"shelveOffload": None},
         client=shelving.admin)
    assert shelving.settled(server_id)["status"] == "SHELVED_OFFLOADED"
    assert shelving.used_settle({}) == {}
    assert shelving.results(server_id, "shelveOffload") == {
        "compute_shelve_offload_instance": "Success"}
    _act(shelving, server_id, {"shelveOffload": None}, expected=409,
         client=shelving.admin)

    # The compute offloads what was shelved longer than
    # shelved_offload_time ago.
    second_id = shelving.server("later")
    second_host = shelving.host_of(second_id)
    _act(shelving, second_id, {"shelve": None})
    shelving.settled(second_id)
    computes = shelving.computes
    computes[second_host].offload_shelved_instances(_admin_ctx())
    assert shelving.demo.server(second_id)["status"] == "SHELVED"
    _backdate(shelving, second_id, hours=2)
    computes[second_host].offload_shelved_instances(_admin_ctx())
    assert shelving.settled(second_id)["status"] == "SHELVED_OFFLOADED"
    assert shelving.used_settle({}) == {}


def test_unshelve_rules_by_microversion(shelving):
    server_id = shelving.server("rules")
    # Not shelved: Nova's state conflict.
    response = _act(shelving, server_id, {"unshelve": None}, expected=409)
    assert response.json["conflictingRequest"]["message"] == (
        "Cannot 'unshelve' instance %s while it is in vm_state active"
        % server_id)
    _act(shelving, server_id, {"shelveOffload": None}, expected=409,
         client=shelving.admin)
    _act(shelving, server_id, {"shelve": None})
    shelving.settled(server_id)
    _act(shelving, server_id, {"shelve": None}, expected=409)

    bad_bodies = [
        ("2.77", {"unshelve": {}}),
        ("2.77", {"unshelve": {"availability_zone": None}}),
        ("2.77", {"unshelve": {"host": FIRST_HOST}}),
        ("2.90", {"unshelve": {"availability_zone": "nova",
                               "host": FIRST_HOST}}),
        ("2.91", {"unshelve": {"availability_zone": 7}}),
        ("2.91", {"unshelve": {"other": 1}}),
        ("2.91", {"unshelve": "now"}),
    ]
    for version, body in bad_bodies:
        _act(shelving, server_id, body, expected=400, version=version,
             client=shelving.admin)
    response = _act(shelving, server_id,
                    {"unshelve": {"availability_zone": "atlantis"}},
                    expected=400, version="2.77")
    assert response.json["badRequest"]["message"] == (
        "The requested availability zone is not available")
    response = _act(shelving, server_id, {"unshelve": {"host": "nowhere"}},
                    expected=400, version="2.91", client=shelving.admin)
    assert response.json["badRequest"]["message"] == (
        "Compute host nowhere could not be found.")
    # A target host is the admin's (os-shelve:unshelve_to_host).
    _act(shelving, server_id, {"unshelve": {"host": SECOND_HOST}},
         expected=403, version="2.91")

    # The second host in its own zone: a host outside the zone the server
    # is pinned to is a conflict; a zone moves it there.
    aggregate = shelving.admin.post("/os-aggregates", {"aggregate": {
        "name": "east", "availability_zone": "east"}})["aggregate"]
    shelving.admin.post("/os-aggregates/%s/action" % aggregate["id"],
                        {"add_host": {"host": SECOND_HOST}})
    response = _act(shelving, server_id, {"unshelve": {
        "availability_zone": "nova", "host": SECOND_HOST}}, expected=409,
        version="2.91", client=shelving.admin)
    assert response.json["conflictingRequest"]["message"] == (
        'Host "%s" is not in the availability zone "nova".' % SECOND_HOST)
    # Before 2.77 the body is not looked at.
    assert shelving.demo.server(server_id)["status"] == "SHELVED_OFFLOADED"
    _act(shelving, server_id, {"unshelve": {"availability_zone": "east"}},
         version="2.77")
    server = shelving.settled(server_id)
    assert server["status"] == "ACTIVE"
    assert server["OS-EXT-AZ:availability_zone"] == "east"
    assert shelving.host_of(server_id) == SECOND_HOST
    # Pinned to east now: its first host is out of its zone, unless the
    # zone is unpinned (null, 2.91).
    _act(shelving, server_id, {"shelve": None})
    shelving.settled(server_id)
    _act(shelving, server_id, {"unshelve": {"host": FIRST_HOST}},
         expected=409, version="2.91", client=shelving.admin)
    _act(shelving, server_id, {"unshelve": {"availability_zone": None,
                                            "host": FIRST_HOST}},
         version="2.91", client=shelving.admin)
    assert shelving.settled(server_id)["status"] == "ACTIVE"
    assert shelving.host_of(server_id) == FIRST_HOST
    assert shelving.used() == {FIRST_HOST: TINY}
    # A locked server is not shelved by its owner.
    _act(shelving, server_id, {"lock": None})
    response = _act(shelving, server_id, {"shelve": None}, expected=409)
    assert response.json["conflictingRequest"]["message"] == (
        "Instance %s is locked" % server_id)


def test_failures_leave_the_server_where_it_was(shelving):
    server_id = shelving.server("fragile")
    host = shelving.host_of(server_id)
    # A snapshot that fails: ACTIVE again, its guest running, no image.
    shelving.driver(host).inject_failure("snapshot", server_id)
    _act(shelving, server_id, {"shelve": None})
    assert shelving.settled(server_id)["status"] == "ACTIVE"
    assert shelving.driver(host).guest(server_id).power_state == 1
    assert _shelved_image(shelving, server_id) == []
    assert shelving.used() == {host: TINY}
    assert shelving.results(server_id, "shelve") == {
        "compute_shelve_instance": "Error"}
    shelving.clear_failures()

    # A spawn that fails on every host: offloaded again, nothing claimed,
    # its snapshot kept for the next try.
    _act(shelving, server_id, {"shelve": None})
    shelving.settled(server_id)
    image_id = _sysmeta(shelving, server_id)["shelved_image_id"]
    for host_name in shelving.computes:
        shelving.driver(host_name).inject_failure("spawn", server_id)
    _act(shelving, server_id, {"unshelve": None})
    server = shelving.settled(server_id)
    assert server["status"] == "SHELVED_OFFLOADED"
    assert shelving.host_of(server_id) is None
    assert shelving.used_settle({}) == {}
    assert shelving.image_doc(image_id)["status"] == "ACTIVE"
    events = shelving.results(server_id, "unshelve")
    assert events["compute_unshelve_instance"] == "Error"
    shelving.clear_failures()

    # No host can take it: still offloaded, the scheduling event failed.
    for host_name in (FIRST_HOST, SECOND_HOST):
        service, = shelving.admin.get("/os-services?host=%s&binary="
                                      "nova-compute" % host_name,
                                      version="2.53")["services"]
        shelving.admin.put("/os-services/%s" % service["id"],
                           {"status": "disabled"}, version="2.53")
    _act(shelving, server_id, {"unshelve": None})
    assert shelving.settled(server_id)["status"] == "SHELVED_OFFLOADED"
    assert shelving.results(server_id, "unshelve") == {
        "get_image_info": "Success", "schedule_instances": "Error"}
    assert shelving.used_settle({}) == {}

    # Its snapshot deleted meanwhile: ERROR with Nova's fault.
    shelving.admin.delete("/images/%s" % image_id, version="2.35")
    _act(shelving, server_id, {"unshelve": None})
    server = shelving.settled(server_id)
    assert server["status"] == "ERROR"
    assert server["fault"]["message"] == (
        "Error during unshelve instance %s: Unshelve attempted but the "
        "image %s cannot be found." % (server_id, image_id))
    assert shelving.used_settle({}) == {}


def test_offload_failure_keeps_it_shelved(shelving_kept):
    shelving = shelving_kept
    server_id = shelving.server("stuck-guest")
    host = shelving.host_of(server_id)
    _act(shelving, server_id, {"shelve": None})
    shelving.settled(server_id)
    shelving.driver(host).inject_failure("destroy", server_id)
    _act(shelving, server_id, {"shelveOffload": None},
         client=shelving.admin)
    assert shelving.settled(server_id)["status"] == "SHELVED"
    assert shelving.host_of(server_id) == host
    assert shelving.used() == {host: TINY}
    assert shelving.results(server_id, "shelveOffload") == {
        "compute_shelve_offload_instance": "Error"}
    shelving.clear_failures()
    # Deleting a shelved server deletes its snapshot too (as Nova).
    image_id = _sysmeta(shelving, server_id)["shelved_image_id"]
    shelving.demo.delete("/servers/%s" % server_id)
    shelving.demo.wait_for_deleted(server_id)
    assert shelving.image_doc(image_id) is None
    assert shelving.used_settle({}) == {}


def test_a_restarted_compute_settles_shelve_tasks(shelving_kept):
    shelving = shelving_kept
    offloading = shelving.server("offloading")
    powering_on = shelving.server("powering-on")
    for server_id in (offloading, powering_on):
        _act(shelving, server_id, {"shelve": None})
        assert shelving.settled(server_id)["status"] == "SHELVED"
    host = shelving.host_of(offloading)
    # A crash in the middle: the offload was under way; the other's guest
    # was powered on but its unshelve not recorded.
    _set_task(shelving, offloading, "shelving_offloading")
    _set_task(shelving, powering_on, "unshelving")
    other = shelving.host_of(powering_on)
    shelving.driver(other).power_on(None, instance_obj.Instance(
        uuid=powering_on, hostname="powering-on", display_name=""), [])
    for name in {host, other}:
        shelving.service(name).stop()
        shelving.service(name).start()
    offloaded = shelving.settled(offloading)
    assert offloaded["status"] == "SHELVED_OFFLOADED"
    assert shelving.host_of(offloading) is None
    assert offloading not in shelving.driver(host).list_instance_uuids()
    assert shelving.settled(powering_on)["status"] == "ACTIVE"
    assert shelving.used() == {other: TINY}


def _set_task(shelving, server_id, task_state):
    table = cell_models.Instance.__table__
    with _cell_db(shelving).writer() as session:
        session.execute(sa.update(table).where(
            table.c.uuid == server_id).values(task_state=task_state))


# Helpers -----------------------------------------------------------------

def _admin_ctx():
    return context.RequestContext(user_id="admin", project_id="admin",
                                  is_admin=True, roles=["admin"])


def _cell_db(shelving):
    from stratus.objects import cell_mapping
    ctx = context.get_admin_context(shelving.cloud.databases)
    cell, = cell_mapping.CellMappingList.get_all(ctx).host_cells()
    with ctx.target_cell(cell.uuid) as cctx:
        return cctx.cell_db


def _sysmeta(shelving, server_id):
    table = cell_models.InstanceSystemMetadata.__table__
    with _cell_db(shelving).reader() as session:
        return dict(session.execute(sa.select(table.c.key, table.c.value).where(
            table.c.instance_uuid == server_id,
            table.c.deleted == 0)).all())


def _backdate(shelving, server_id, hours):
    table = cell_models.Instance.__table__
    when = objects_base.utcnow() - datetime.timedelta(hours=hours)
    with _cell_db(shelving).writer() as session:
        session.execute(sa.update(table).where(
            table.c.uuid == server_id).values(updated_at=when))
    table = cell_models.InstanceSystemMetadata.__table__
    with _cell_db(shelving).writer() as session:
        session.execute(sa.update(table).where(
            table.c.instance_uuid == server_id,
            table.c.key == "shelved_at").values(value=when.isoformat()))
