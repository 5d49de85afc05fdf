"""Usage reports (os-simple-tenant-usage) against the servers stored in
the cells, on every database backend: the hours each server ran in the
window, deleted ones included, the totals per project, and paging."""
import datetime
import json

import jsonschema
import pytest

from stratus.api.schemas.responses import simple_tenant_usage as responses
from stratus.compute_api import usage
from stratus.db import cell_models
from stratus import exception
from tests.functional.api import fixtures

PROJECT = fixtures.PROJECT
UTC = datetime.timezone.utc
START = datetime.datetime(2030, 1, 1, tzinfo=UTC)
STOP = datetime.datetime(2030, 1, 2, tzinfo=UTC)


def at(hours):
    return START + datetime.timedelta(hours=hours)


@pytest.fixture
def context(databases):
    return fixtures.project_context(databases)


def add(context, launched, terminated=None, vcpus=2, memory_mb=1024,
        root_gb=10, ephemeral_gb=5, project_id=PROJECT, flavor=None,
        **columns):
    server = fixtures.add_server(
        context, vcpus=vcpus, memory_mb=memory_mb, project_id=project_id,
        root_gb=root_gb, ephemeral_gb=ephemeral_gb, launched_at=launched,
        terminated_at=terminated, vm_state="active", display_name="s",
        **columns)
    if flavor:
        _, cell_uuid = fixtures.cell(context, "cell1")
        with context.cell_db_for(cell_uuid).writer() as session:
            session.add(cell_models.InstanceExtra(
                instance_uuid=server,
                flavor=json.dumps({"cur": {"name": flavor}, "old": None,
                                   "new": None})))
    return server


def test_hours_inside_the_window_times_the_size(context):
    # 6 h inside the window (launched before it, ran 6 h into it)
    add(context, at(-5), at(6))
    # 2 h, launched and deleted inside it
    add(context, at(3), at(5), deleted=1, deleted_at=at(5), flavor="m1.big")
    # until the end of the window: 24 - 20 = 4 h
    add(context, at(20), vcpus=1, memory_mb=512, root_gb=1, ephemeral_gb=0)
    # not counted: ended before, launched after, never launched
    add(context, at(-10), at(-1))
    add(context, at(25))
    add(context, None)
    summaries, servers = usage.usage_for_period(context, START, STOP)
    assert len(servers) == 3
    (summary,) = summaries
    assert summary["tenant_id"] == PROJECT
    assert summary["total_hours"] == pytest.approx(6 + 2 + 4)
    assert summary["total_vcpus_usage"] == pytest.approx(2 * 8 + 1 * 4)
    assert summary["total_memory_mb_usage"] == pytest.approx(
        1024 * 8 + 512 * 4)
    assert summary["total_local_gb_usage"] == pytest.approx(15 * 8 + 1 * 4)
    by_hours = sorted(summary["server_usages"], key=lambda s: s["hours"])
    assert [s["hours"] for s in by_hours] == pytest.approx([2, 4, 6])
    deleted = by_hours[0]
    assert (deleted["state"], deleted["flavor"], deleted["uptime"]) == (
        "terminated", "m1.big", 2 * 3600)
    assert deleted["ended_at"] == at(5) and deleted["started_at"] == at(3)
    assert by_hours[1]["state"] == "active"
    assert by_hours[1]["ended_at"] is None and by_hours[1]["flavor"] == ""


def test_projects_apart_and_pages_in_project_then_uuid_order(context):
    ours = sorted(add(context, at(1)) for _ in range(3))
    theirs = add(context, at(1), project_id="project-b")
    summaries, _ = usage.usage_for_period(context, START, STOP,
                                          detailed=False)
    assert {s["tenant_id"]: s["total_hours"] for s in summaries} == \
        pytest.approx({PROJECT: 3 * 23, "project-b": 23})
    assert all("server_usages" not in s for s in summaries)
    _, page = usage.usage_for_period(context, START, STOP, limit=2)
    assert [s["instance_id"] for s in page] == ours[:2]
    _, page = usage.usage_for_period(context, START, STOP, limit=2,
                                     marker=ours[1])
    assert [s["instance_id"] for s in page] == [ours[2], theirs]
    only_b, _ = usage.usage_for_period(context, START, STOP, "project-b")
    assert [s["tenant_id"] for s in only_b] == ["project-b"]
    with pytest.raises(exception.MarkerNotFound):
        usage.usage_for_period(context, START, STOP, marker="nope")


def test_responses_match_their_schemas(sqlite_api):
    """Each version's body as the response schema describes it."""
    server = sqlite_api.create_server(
        name="vm", image=sqlite_api.first_image_id())["server"]
    sqlite_api.wait_for_status(server["id"], "ACTIVE")
    cases = [("/v2.1/os-simple-tenant-usage", "?detailed=1&limit=1"),
             ("/v2.1/os-simple-tenant-usage/{tenant_id}", "?limit=1")]
    for route, query in cases:
        for low, _, _, schema in responses.RESPONSES[("GET", route)]:
            path = route.format(tenant_id="admin")[len("/v2.1"):]
            body = sqlite_api.get(
                path + query + "&start=2020-01-01T00:00:00", version=low)
            jsonschema.validate(body, schema)
            assert body != {}
