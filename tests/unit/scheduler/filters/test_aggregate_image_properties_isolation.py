from stratus.scheduler.filters import aggregate_image_properties_isolation
from tests.unit.scheduler import fakes


def _passes(conf, properties, **metadata):
    check = (aggregate_image_properties_isolation
             .AggregateImagePropertiesIsolation(conf))
    aggregates = [fakes.aggregate(["h1"], **metadata)] if metadata else []
    return fakes.passes(check, fakes.host("h1", aggregates=aggregates),
                        fakes.spec(image_properties=properties))


def test_image_property_must_be_among_the_aggregate_values(conf):
    assert _passes(conf, {"os_distro": "windows"}, os_distro="windows")
    assert _passes(conf, {"os_distro": "windows"},
                   os_distro="linux,windows")
    assert not _passes(conf, {"os_distro": "windows"}, os_distro="linux")


def test_images_without_the_property_and_hosts_without_aggregates_pass(conf):
    assert _passes(conf, {}, os_distro="linux")
    assert _passes(conf, {"os_distro": "windows"})
    assert _passes(conf, {"os_distro": "windows"}, unrelated="x")


def test_namespace_and_separator(conf):
    conf.set_override("aggregate_image_properties_isolation_namespace",
                      "isolation", group="filter_scheduler")
    # Keys outside the namespace are not compared.
    assert _passes(conf, {"os_distro": "windows"}, os_distro="linux")
    assert not _passes(conf, {"isolation.os": "windows"},
                       **{"isolation.os": "linux"})
    conf.set_override("aggregate_image_properties_isolation_separator",
                      "_", group="filter_scheduler")
    assert not _passes(conf, {"isolation_os": "windows"},
                       **{"isolation_os": "linux"})
    assert _passes(conf, {"isolation.os": "windows"},
                   **{"isolation.os": "linux"})
