from stratus.scheduler.filters import same_host_filter
from tests.unit.scheduler import fakes
from tests.unit.scheduler import servers


def test_only_the_nodes_of_the_named_servers_pass(conf, ctx):
    first = servers.place(ctx, "h1", "h1-node")
    second = servers.place(ctx, "h2", "h2-node")
    check = same_host_filter.SameHostFilter(conf)
    h1, h2, h3 = (fakes.host(name) for name in ("h1", "h2", "h3"))
    spec = fakes.spec(hints={"same_host": first})
    assert [fakes.passes(check, host, spec, ctx) for host in (h1, h2, h3)] \
        == [True, False, False]
    spec = fakes.spec(hints={"same_host": [first, second]})
    assert [fakes.passes(check, host, spec, ctx) for host in (h1, h2, h3)] \
        == [True, True, False]
    # Another node of the same host is another hypervisor.
    assert not fakes.passes(check, fakes.host("h1", node="h1-other"),
                            fakes.spec(hints={"same_host": first}), ctx)


def test_unknown_and_deleted_servers_are_on_no_host(conf, ctx):
    gone = servers.place(ctx, "h1", "h1-node", deleted=True)
    check = same_host_filter.SameHostFilter(conf)
    spec = fakes.spec(hints={"same_host": [gone, servers.UNKNOWN]})
    assert not fakes.passes(check, fakes.host("h1"), spec, ctx)


def test_without_the_hint_the_filter_is_off(conf, ctx):
    check = same_host_filter.SameHostFilter(conf)
    assert check.for_request(ctx, fakes.spec()) is None
