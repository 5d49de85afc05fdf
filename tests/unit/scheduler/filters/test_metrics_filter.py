from stratus.scheduler.filters import metrics_filter
from tests.unit.scheduler import fakes


def test_hosts_must_report_every_weighed_metric(conf):
    conf.set_override("weight_setting", ["cpu.percent=-1.0", "foo=1", "bad"],
                      group="metrics")
    check = metrics_filter.MetricsFilter(conf)
    assert fakes.passes(check, fakes.host(
        metrics={"cpu.percent": 0.1, "foo": 2, "bar": 3}), fakes.spec())
    assert not fakes.passes(check, fakes.host(metrics={"cpu.percent": 0.1}),
                            fakes.spec())
    assert not fakes.passes(check, fakes.host(), fakes.spec())


def test_no_weight_setting_lets_every_host_pass(conf):
    check = metrics_filter.MetricsFilter(conf)
    assert fakes.passes(check, fakes.host(), fakes.spec())
