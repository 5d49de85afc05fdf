from stratus.scheduler.filters import aggregate_multitenancy_isolation
from tests.unit.scheduler import fakes


def _passes(conf, project, **metadata):
    check = aggregate_multitenancy_isolation.AggregateMultiTenancyIsolation(
        conf)
    aggregates = [fakes.aggregate(["h1"], **metadata)] if metadata else []
    return fakes.passes(check, fakes.host("h1", aggregates=aggregates),
                        fakes.spec(project_id=project))


def test_isolated_hosts_take_only_their_projects(conf):
    assert _passes(conf, "p1", filter_tenant_id="p1")
    assert not _passes(conf, "p2", filter_tenant_id="p1")
    assert _passes(conf, "p2", filter_tenant_id="p1, p2")
    assert _passes(conf, "p3", filter_tenant_id="p1",
                   filter_tenant_id_2="p3")
    assert not _passes(conf, "p4", filter_tenant_id="p1",
                       filter_tenant_id_2="p3")


def test_other_hosts_take_every_project(conf):
    assert _passes(conf, "p1")
    assert _passes(conf, "p1", ssd="true")
