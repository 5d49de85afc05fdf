import collections

from stratus.objects import instance_queries
from stratus.scheduler.weighers import image_props
from tests.unit.scheduler import fakes
from tests.unit.scheduler import servers
from tests.unit.scheduler.weighers import helpers


def _props(**counts):
    counter = collections.Counter()
    for name, (value, count) in counts.items():
        counter[(name, value)] = count
    return counter


def test_off_by_default(conf):
    assert image_props.ImagePropertiesWeigher(conf).for_request(
        None, fakes.spec()) is None


def test_hosts_with_like_instances_first(conf):
    conf.set_override("image_props_weight_multiplier", 1.0,
                      group="filter_scheduler")
    hosts = [fakes.host("none", image_properties=_props()),
             fakes.host("two", image_properties=_props(
                 os_distro=("windows", 2))),
             fakes.host("one", image_properties=_props(
                 os_distro=("windows", 1), hw_machine_type=("q35", 5))),
             fakes.host("linux", image_properties=_props(
                 os_distro=("linux", 9)))]
    spec = fakes.spec(image_properties={"os_distro": "windows"})
    weigher = image_props.ImagePropertiesWeigher(conf)
    assert helpers.ranking(weigher, hosts, spec)[0] == [
        "two", "one", "none", "linux"]
    conf.set_override("image_props_weight_setting",
                      ["hw_machine_type=1", "os_distro=0.1"],
                      group="filter_scheduler")
    spec = fakes.spec(image_properties={"os_distro": "windows",
                                        "hw_machine_type": "q35"})
    weigher = image_props.ImagePropertiesWeigher(conf)
    assert helpers.ranking(weigher, hosts, spec)[0] == [
        "one", "two", "none", "linux"]


def test_instance_image_properties_are_read_per_node(ctx):
    servers.place(ctx, "h1", "h1-node", image_properties={"os_distro": "win"})
    servers.place(ctx, "h1", "h1-node", image_properties={"os_distro": "win",
                                                          "hw_x": "1"})
    servers.place(ctx, "h2", "h2-node", image_properties={"os_distro": "lin"})
    servers.place(ctx, "h2", "h2-node", deleted=True,
                  image_properties={"os_distro": "win"})
    assert instance_queries.image_properties_by_node(ctx) == {
        ("h1", "h1-node"): {("os_distro", "win"): 2, ("hw_x", "1"): 1},
        ("h2", "h2-node"): {("os_distro", "lin"): 1}}
