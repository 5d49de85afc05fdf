"""db archive_deleted_rows and db purge on servers booted and deleted in
a running cloud: what they print and Nova's exit codes, on every
backend."""
import datetime

import pytest

from stratus import exception
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.objects import request_spec as request_spec_obj
from tests.functional.cmd.conftest import table_rows

pytestmark = pytest.mark.slow

ARCHIVE = ("manage", "db", "archive_deleted_rows")
PURGE = ("manage", "db", "purge")


def _day(days):
    return (datetime.datetime.now(datetime.timezone.utc)
            + datetime.timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")


def _archived(out):
    return {row[0]: int(row[1]) for row in table_rows(out)}


def test_archive_moves_deleted_servers_and_their_api_records(cloud_manage):
    kept = cloud_manage.boot("kept")
    gone = cloud_manage.boot("gone")
    cloud_manage.delete(gone)
    code, out = cloud_manage.run(*ARCHIVE, "--verbose")
    assert code == 1, out
    # nova-manage's table, left-aligned
    assert out.splitlines()[1].startswith("| Table ")
    assert out.splitlines()[1].endswith("| Number of Rows Archived |")
    archived = _archived(out)
    assert archived["instances"] == 1
    assert archived["instance_extra"] == 1
    assert archived["instance_actions"] == 2  # create and delete
    assert archived["API_DB.instance_mappings"] == 1
    assert archived["API_DB.request_specs"] == 1
    assert archived["API_DB.instance_group_member"] == 0
    ctx = cloud_manage.ctx
    with pytest.raises(exception.InstanceMappingNotFound):
        instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, gone["id"])
    with pytest.raises(exception.RequestSpecNotFound):
        request_spec_obj.RequestSpec.get_by_instance_uuid(ctx, gone["id"])
    # The live server is untouched; the deleted one stays not found.
    assert cloud_manage.api.server(kept["id"])["status"] == "ACTIVE"
    assert cloud_manage.api.request(
        "GET", "/v2.1/servers/%s" % gone["id"]).status_int == 404
    assert cloud_manage.run(*ARCHIVE, "--verbose") == (
        0, "Nothing was archived.\n")
    assert cloud_manage.run(*ARCHIVE) == (0, "")
    # What was archived is in the shadow tables, for purge to remove.
    code, out = cloud_manage.run(*PURGE, "--all", "--verbose")
    assert code == 0
    assert "DB: Deleted 1 rows from shadow_instances\n" in out
    assert cloud_manage.run(*PURGE, "--all") == (3, "")


def test_archive_in_batches_before_a_date_and_in_all_cells(cloud_manage):
    for name in ("a", "b", "c"):
        cloud_manage.delete(cloud_manage.boot(name))
    # Deleted today: nothing was deleted before yesterday.
    assert cloud_manage.run(*ARCHIVE, "--before", _day(-1)) == (0, "")
    code, out = cloud_manage.run(*ARCHIVE, "--max_rows", "1", "--verbose",
                                 "--before", _day(1))
    assert (code, _archived(out)["instances"]) == (1, 1)
    code, out = cloud_manage.run(*ARCHIVE, "--max_rows", "1",
                                 "--until-complete", "--verbose",
                                 "--all-cells")
    assert code == 1
    assert out.startswith("Archiving....")
    assert "complete\n" in out
    archived = _archived(out)
    assert archived["cell1.instances"] == 2
    assert archived["API_DB.instance_mappings"] == 2
    assert cloud_manage.run(*ARCHIVE, "--all-cells", "--task-log") == (0, "")


def test_archive_and_purge_bad_input(cloud_manage):
    assert cloud_manage.run(*ARCHIVE, "--max_rows", "-1") == (
        2, "Must supply a positive value for max_rows\n")
    assert cloud_manage.run(*ARCHIVE, "--max_rows", str(2 ** 31)) == (
        2, "max rows must be <= 2147483647\n")
    code, out = cloud_manage.run(*ARCHIVE, "--before", "no such day")
    assert code == 4
    assert out.startswith("Invalid value for --before: ")
    assert cloud_manage.run(*PURGE) == (
        1, "Either --before or --all is required\n")
    code, out = cloud_manage.run(*PURGE, "--before", "no such day")
    assert code == 2
    assert out.startswith("Invalid value for --before: ")


def test_purge_before_a_date_in_all_cells(cloud_manage):
    cloud_manage.delete(cloud_manage.boot())
    assert cloud_manage.run(*ARCHIVE)[0] == 1
    assert cloud_manage.run(*PURGE, "--before", _day(-1), "--all-cells",
                            "--verbose") == (3, "")
    code, out = cloud_manage.run(*PURGE, "--before", _day(1), "--all-cells",
                                 "--verbose")
    assert code == 0
    assert ("Cell cell1: Deleted 1 rows from shadow_instances based on "
            "timestamp column deleted_at\n") in out
    assert cloud_manage.run(*PURGE, "--all", "--all-cells") == (3, "")
