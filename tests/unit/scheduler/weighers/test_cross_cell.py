import uuid

from stratus.db import setup as db_setup
from stratus.objects import instance_mapping
from stratus.scheduler.weighers import cross_cell
from tests.unit.scheduler import fakes
from tests.unit.scheduler import hosts as test_hosts
from tests.unit.scheduler.weighers import helpers

OTHER_CELL = str(uuid.UUID(int=7))


def _mapped(ctx, cell_uuid):
    instance_uuid = str(uuid.uuid4())
    instance_mapping.InstanceMapping(
        ctx, instance_uuid=instance_uuid, project_id="project",
        user_id="user", cell_uuid=cell_uuid).create()
    return instance_uuid


def test_moving_server_prefers_its_own_cell(conf, ctx):
    cell1 = test_hosts.cell1(ctx).uuid
    hosts = [fakes.host("away", cell_uuid=OTHER_CELL, memory_mb=8192),
             fakes.host("home", cell_uuid=cell1)]
    spec = fakes.spec(instance_uuid=_mapped(ctx, cell1))
    names, weights = helpers.ranking(cross_cell.CrossCellWeigher(conf),
                                     hosts, spec, ctx)
    assert (names, weights) == (["home", "away"], [1000000.0, 0.0])


def test_new_servers_are_left_alone(conf, ctx):
    cell1 = test_hosts.cell1(ctx).uuid
    hosts = [fakes.host("away", cell_uuid=OTHER_CELL, memory_mb=8192),
             fakes.host("home", cell_uuid=cell1)]
    weigher = cross_cell.CrossCellWeigher(conf)
    for instance_uuid in (_mapped(ctx, None),
                          _mapped(ctx, db_setup.CELL0_UUID),
                          str(uuid.uuid4())):
        assert helpers.ranking(weigher, hosts, fakes.spec(
            instance_uuid=instance_uuid), ctx) == (["away", "home"],
                                                   [0.0, 0.0])


def test_hosts_of_one_cell_are_weighed_without_reading_the_server(
        conf, ctx, monkeypatch):
    cell1 = test_hosts.cell1(ctx).uuid
    hosts = [fakes.host("one", cell_uuid=cell1, memory_mb=8192),
             fakes.host("two", cell_uuid=cell1)]
    spec = fakes.spec(instance_uuid=_mapped(ctx, cell1))
    monkeypatch.setattr(cross_cell, "_current_cell", None)
    assert helpers.ranking(cross_cell.CrossCellWeigher(conf), hosts, spec,
                           ctx) == (["one", "two"], [0.0, 0.0])
