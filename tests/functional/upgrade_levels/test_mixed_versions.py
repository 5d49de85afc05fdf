"""A cloud with computes of two releases: `[upgrade_levels] ... = auto`
caps what the control plane sends to the oldest compute's release, SIGHUP
lifts the cap once no old compute is left, and a compute older than the
control plane supports is refused."""
import logging

import pytest

from stratus.cmd import signals
from stratus.conductor import rpcapi as conductor_rpcapi
from stratus import constants
from stratus import context
from stratus import exception
from stratus import objects
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import service as service_obj
from stratus.objects import service_versions as history
from stratus import service
from stratus import upgrade_pins
from stratus import version as stratus_version
from tests.functional import cloud as cloud_harness
from tests.functional.conftest import started_cloud

RELEASE_1 = history.SERVICE_VERSION_HISTORY[1]


@pytest.fixture
def auto_cloud(conf, databases, cloud_urls, tmp_path):
    for name in ("compute", "conductor", "scheduler"):
        conf.set_override(name, "auto", group="upgrade_levels")
    yield from started_cloud(conf, cloud_urls, tmp_path)


def _admin(cloud):
    return context.get_admin_context(cloud.databases)


def _add_compute(cloud, host, version):
    """The record of a compute of service version that is not running
    here (as a 0.1.0 compute on another machine)."""
    ctx = _admin(cloud)
    cell = cell_mapping_obj.CellMappingList.get_all(ctx).host_cells()[0]
    record = objects.Service(
        ctx, host=host, binary=constants.COMPUTE_BINARY, topic="compute",
        cell_uuid=cell.uuid, version=version, report_count=1,
        disabled=False, forced_down=False)
    record.create()
    return record


def test_auto_caps_at_the_oldest_compute_until_sighup_finds_none(
        auto_cloud, caplog):
    api = cloud_harness.StackClient(auto_cloud.apps["compute"])
    pin = auto_cloud.messaging.pins.pin(upgrade_pins.COMPUTE)
    assert (pin.version_cap, pin.manifest) == (None, None)

    old = _add_compute(auto_cloud, "old-compute", 1)
    with caplog.at_level(logging.INFO, logger=upgrade_pins.__name__):
        signals.reload()
    assert pin.version_cap == RELEASE_1[history.COMPUTE_RPC] == "1.13"
    assert pin.manifest == RELEASE_1[history.OBJECTS]
    assert ("compute RPC capped at 1.13 (auto: minimum nova-compute "
            "service version 1)") in caplog.text
    # The new compute still builds from what the capped control plane
    # sends it.
    server = api.create_server(image=api.first_image_id())["server"]
    api.wait_for_status(server["id"], "ACTIVE")

    old.version = 2
    old.save()
    signals.reload()
    assert (pin.version_cap, pin.manifest) == (None, None)


def test_services_record_their_version_and_release(cloud):
    ctx = _admin(cloud)
    for binary in (constants.COMPUTE_BINARY, constants.CONDUCTOR_BINARY,
                   constants.SCHEDULER_BINARY):
        record = objects.ServiceList.get_all(ctx, binary=binary)[0]
        assert (record.version, record.release) == (
            history.SERVICE_VERSION, stratus_version.VERSION), binary
    assert objects.Service.get_minimum_version(
        ctx, constants.COMPUTE_BINARY) == history.SERVICE_VERSION


def test_a_compute_that_reports_no_version_is_of_release_0_1_0(cloud):
    """0.1.0's computes send their record without version or release."""
    ctx = _admin(cloud)
    stored = conductor_rpcapi.ConductorAPI(cloud.messaging).service_report(
        ctx, objects.Service(host="old-compute",
                             binary=constants.COMPUTE_BINARY,
                             topic="compute"))
    # Answered as 0.1.0's (test_a_release_1_compute_is_answered_...).
    assert stored.VERSION == "1.0"
    assert (stored.version, stored.get("release")) == (1, None)
    assert objects.Service.get_minimum_version(
        ctx, constants.COMPUTE_BINARY) == 1
    # Upgraded in place, it reports its new version.
    stored = conductor_rpcapi.ConductorAPI(cloud.messaging).service_report(
        ctx, objects.Service(host="old-compute",
                             binary=constants.COMPUTE_BINARY,
                             topic="compute", version=2, release="0.2.0"))
    assert (stored.version, stored.release) == (2, "0.2.0")


def test_a_compute_too_old_is_refused_at_its_first_report(
        cloud, monkeypatch, caplog):
    monkeypatch.setattr(service_obj, "OLDEST_SUPPORTED_SERVICE_VERSION",
                        history.SERVICE_VERSION + 1)
    compute = cloud.compute_service("too-old")
    with caplog.at_level(logging.ERROR, logger=service.__name__):
        with pytest.raises(exception.ServiceTooOld) as refused:
            compute.start()
    assert "nova-compute on too-old runs service version %d" % (
        history.SERVICE_VERSION) in str(refused.value)
    assert "nova-compute refused" in caplog.text
    with pytest.raises(exception.ServiceNotFound):
        objects.Service.get_by_host_and_binary(
            _admin(cloud), "too-old", constants.COMPUTE_BINARY)


def test_the_control_plane_does_not_start_beside_a_too_old_compute(
        cloud, monkeypatch):
    _add_compute(cloud, "old-compute", 1)
    monkeypatch.setattr(service_obj, "OLDEST_SUPPORTED_SERVICE_VERSION", 2)
    conductor = service.Service(
        cloud.conf, cloud.messaging, constants.CONDUCTOR_BINARY,
        "conductor", "another-conductor", manager=None,
        databases=cloud.databases)
    with pytest.raises(exception.ServiceTooOld) as refused:
        conductor.start()
    assert "nova-compute on old-compute runs service version 1" in str(
        refused.value)


def test_a_feature_waits_for_every_compute(cloud):
    ctx = _admin(cloud)
    service_obj.require_compute_version(ctx, history.SERVICE_VERSION,
                                        "The feature")
    _add_compute(cloud, "old-compute", 1)
    with pytest.raises(exception.ComputesTooOld) as waiting:
        service_obj.require_compute_version(ctx, 2, "The feature")
    assert waiting.value.code == 409
    assert str(waiting.value) == (
        "The feature needs every compute service at version 2 or newer; "
        "the oldest runs 1.")


def test_a_release_1_compute_is_answered_in_release_1_objects(cloud):
    """Whatever the conductor's [upgrade_levels] says: a 0.1.0 compute
    could not read a Service 1.1."""
    from stratus.conductor.tasks import compute_report
    ctx = _admin(cloud)
    cell = cell_mapping_obj.CellMappingList.get_all(ctx).host_cells()[0]
    for _first_then_heartbeat in (1, 2):
        answer = compute_report.service_report(ctx, cell, objects.Service(
            host="old-compute", binary=constants.COMPUTE_BINARY,
            topic="compute"))
        assert answer["stratus_object.version"] == "1.0"
        assert "release" not in answer["stratus_object.data"]
    stored = compute_report.service_report(ctx, cell, objects.Service(
        host="new-compute", binary=constants.COMPUTE_BINARY,
        topic="compute", version=2, release="0.2.0"))
    assert stored.release == "0.2.0"


def test_the_api_does_not_start_beside_a_too_old_compute(cloud, monkeypatch):
    from stratus.cmd import services
    _add_compute(cloud, "old-compute", 1)
    monkeypatch.setattr(service_obj, "OLDEST_SUPPORTED_SERVICE_VERSION", 2)
    with pytest.raises(exception.ServiceTooOld) as refused:
        services.run_api(cloud.conf)
    assert "nova-compute on old-compute runs service version 1" in str(
        refused.value)
