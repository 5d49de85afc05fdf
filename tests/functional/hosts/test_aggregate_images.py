"""POST /os-aggregates/{id}/images (2.81): the aggregate's compute hosts,
and only they, cache the images; Nova's 400/403/404 answers."""
import time
import uuid

import pytest

from stratus.virt.libvirt import imagecache
from tests.functional import cloud
from tests.functional.hosts import fixtures
from tests.functional.hosts import test_aggregates

VERSION = "2.81"


def images_path(aggregate_id):
    return "/os-aggregates/%s/images" % aggregate_id


def cache(client, aggregate_id, body, version=VERSION):
    response = client.request("POST", "/v2.1" + images_path(aggregate_id),
                              body, version=version)
    return response.status_int, response.json if response.body else None


def new_image(hosts, name):
    return hosts.app.image_api.create(
        hosts.ctx, name=name, disk_format="qcow2",
        container_format="bare")["id"]


def wait_cached(compute, image_ids, timeout=10):
    deadline = time.monotonic() + timeout
    while not set(image_ids) <= compute.driver.cached_images:
        if time.monotonic() > deadline:
            raise AssertionError("images %s not cached on %s (has %s)" % (
                image_ids, compute.host, compute.driver.cached_images))
        time.sleep(0.05)


@pytest.fixture
def aggregate(hosts):
    """An aggregate of cmp1 and cmp2 beside cmp3, which is in none."""
    for host in ("cmp1", "cmp2", "cmp3"):
        hosts.start_compute(host)
    admin = fixtures.client(hosts.app)
    aggregate_id = test_aggregates.create(admin)["aggregate"]["id"]
    for host in ("cmp1", "cmp2"):
        test_aggregates.action(admin, aggregate_id, "add_host",
                               {"host": host})
    return aggregate_id


def test_the_hosts_of_the_aggregate_cache_the_images(hosts, aggregate):
    admin = fixtures.client(hosts.app)
    images = [new_image(hosts, "one"), new_image(hosts, "two")]
    assert cache(admin, aggregate, {"cache": [{"id": image_id}
                                              for image_id in images]}) \
        == (202, None)
    for host in ("cmp1", "cmp2"):
        wait_cached(hosts.computes[host], images)
    # Asked again, they have them already; cmp3, in no aggregate, is
    # never asked.
    assert cache(admin, aggregate, {"cache": [{"id": images[0]}]})[0] == 202
    third = new_image(hosts, "three")
    assert cache(admin, aggregate, {"cache": [{"id": third}]})[0] == 202
    for host in ("cmp1", "cmp2"):
        wait_cached(hosts.computes[host], images + [third])
    assert hosts.computes["cmp3"].driver.cached_images == set()


def test_bad_requests(hosts, aggregate):
    admin = fixtures.client(hosts.app)
    image_id = new_image(hosts, "one")
    for body in ({}, {"cache": []}, {"cache": [{}]},
                 {"cache": [{"id": "not-a-uuid"}]},
                 {"cache": [{"id": image_id, "name": "x"}]},
                 {"cache": [{"id": image_id}], "other": 1},
                 {"cache": [{"id": image_id}, {"id": image_id}]},
                 {"cache": [{"id": str(uuid.uuid4())}]}):
        code, error = cache(admin, aggregate, body)
        assert code == 400, body
        assert error["badRequest"]["code"] == 400
    code, error = cache(admin, "x", {"cache": [{"id": image_id}]})
    assert code == 400
    assert hosts.computes["cmp1"].driver.cached_images == set()


def test_unknown_aggregate_and_older_microversions(hosts, aggregate):
    admin = fixtures.client(hosts.app)
    image_id = new_image(hosts, "one")
    code, error = cache(admin, 999999, {"cache": [{"id": image_id}]})
    assert code == 404
    assert error["itemNotFound"]["code"] == 404
    code, error = cache(admin, aggregate, {"cache": [{"id": image_id}]},
                        version="2.80")
    assert code == 404
    assert error["itemNotFound"]["code"] == 404


def test_members_are_forbidden(hosts, aggregate):
    member = fixtures.client(hosts.app, token=cloud.DEMO)
    code, error = cache(member, aggregate,
                        {"cache": [{"id": str(uuid.uuid4())}]})
    assert code == 403
    assert error["forbidden"]["code"] == 403


def test_the_libvirt_image_cache_fetches_once(hosts, tmp_path):
    """What the libvirt driver's cache_image does: the image's data in
    <instances_path>/_base, downloaded on the first request only."""
    image_api = hosts.app.image_api
    image_id = new_image(hosts, "disk")
    image_api.upload(hosts.ctx, image_id, b"QFI\xfb" + b"\0" * 1020)
    cache_dir = imagecache.ImageCache(str(tmp_path / "_base"), image_api)
    path, fetched = cache_dir.fetch(hosts.ctx, image_id)
    assert fetched
    assert open(path, "rb").read() == b"QFI\xfb" + b"\0" * 1020
    assert cache_dir.fetch(hosts.ctx, image_id) == (path, False)
    assert cache_dir.path(hosts.ctx, image_id) == path
