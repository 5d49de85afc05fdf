import pytest

from stratus.scheduler.filters import isolated_hosts_filter
from tests.unit.scheduler import fakes

ISOLATED_IMAGE = "11111111-1111-1111-1111-111111111111"
OTHER_IMAGE = "22222222-2222-2222-2222-222222222222"


def _check(conf, images=(ISOLATED_IMAGE,), hosts=("iso",), restrict=True):
    conf.set_override("isolated_images", list(images),
                      group="filter_scheduler")
    conf.set_override("isolated_hosts", list(hosts), group="filter_scheduler")
    conf.set_override("restrict_isolated_hosts_to_isolated_images", restrict,
                      group="filter_scheduler")
    return isolated_hosts_filter.IsolatedHostsFilter(conf)


def _passes(check, host, image):
    return fakes.passes(check, fakes.host(host), fakes.spec(image_id=image)
                        if image else fakes.spec())


@pytest.mark.parametrize("host,image,restrict,expected", [
    ("iso", ISOLATED_IMAGE, True, True),
    ("iso", OTHER_IMAGE, True, False),
    ("plain", ISOLATED_IMAGE, True, False),
    ("plain", OTHER_IMAGE, True, True),
    ("iso", None, True, False),
    ("plain", None, True, True),
    ("iso", ISOLATED_IMAGE, False, True),
    ("iso", OTHER_IMAGE, False, True),
    ("plain", ISOLATED_IMAGE, False, False),
    ("plain", OTHER_IMAGE, False, True),
])
def test_isolation(conf, host, image, restrict, expected):
    assert _passes(_check(conf, restrict=restrict), host, image) is expected


def test_no_isolated_images(conf):
    check = _check(conf, images=())
    assert not _passes(check, "iso", OTHER_IMAGE)
    assert _passes(check, "plain", OTHER_IMAGE)
    check = _check(conf, images=(), restrict=False)
    assert _passes(check, "iso", OTHER_IMAGE)
