from stratus.scheduler.filters import different_host_filter
from tests.unit.scheduler import fakes
from tests.unit.scheduler import servers


def test_the_nodes_of_the_named_servers_do_not_pass(conf, ctx):
    first = servers.place(ctx, "h1", "h1-node")
    second = servers.place(ctx, "h2", "h2-node")
    check = different_host_filter.DifferentHostFilter(conf)
    h1, h2, h3 = (fakes.host(name) for name in ("h1", "h2", "h3"))
    spec = fakes.spec(hints={"different_host": [first, second]})
    assert [fakes.passes(check, host, spec, ctx) for host in (h1, h2, h3)] \
        == [False, False, True]
    spec = fakes.spec(hints={"different_host": servers.UNKNOWN})
    assert fakes.passes(check, h1, spec, ctx)


def test_without_the_hint_the_filter_is_off(conf, ctx):
    check = different_host_filter.DifferentHostFilter(conf)
    assert check.for_request(ctx, fakes.spec()) is None
