"""The quota error names the real usage, also when a burst of creates
goes beyond the instances quota; on every database backend."""
import concurrent.futures
import re

import pytest

from stratus import exception
from stratus import objects
from stratus import quota
from tests.functional.api import fixtures
from tests.functional import cloud as cloud_harness

LIMIT = 10
BURST = 17


@pytest.fixture
def demo(conf, databases, cloud_urls, tmp_path):
    conf.set_override("instances", LIMIT, group="quota")
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path)
    yield cloud_harness.StackClient(running.apps["compute"],
                                    token=cloud_harness.DEMO)
    running.stop()


def _create(api, image, name):
    response = api.request("POST", "/v2.1/servers", {"server": {
        "name": name, "flavorRef": "1", "imageRef": image,
        "networks": "none"}})
    return response.status_int, response.json


def _servers(api):
    return api.get("/servers")["servers"]


def test_a_burst_beyond_the_quota_reports_the_servers_that_exist(demo):
    image = demo.as_user(cloud_harness.ADMIN).first_image_id()
    with concurrent.futures.ThreadPoolExecutor(BURST) as pool:
        answers = list(pool.map(lambda index: _create(demo, image,
                                                      "b%d" % index),
                                range(BURST)))
    accepted = [body for status, body in answers if status == 202]
    refused = [body for status, body in answers if status != 202]
    assert len(accepted) + len(refused) == BURST
    assert len(_servers(demo)) == len(accepted) <= LIMIT
    for body in refused:
        message = body["forbidden"]["message"]
        match = re.match(r"Quota exceeded for instances: Requested 1, but "
                         r"already used (\d+) of 10 instances$", message)
        assert match, message
        # Never more than the quota allows to exist; requests refused at
        # the same moment are not counted as servers.
        assert int(match.group(1)) <= LIMIT
    # Once the burst is over, the message counts exactly what exists.
    status, body = _create(demo, image, "one-more")
    if len(accepted) == LIMIT:
        assert status == 403
        assert body["forbidden"]["message"] == (
            "Quota exceeded for instances: Requested 1, but already used "
            "10 of 10 instances")


def _refusal(engine, context):
    with pytest.raises(exception.TooManyInstances) as raised:
        engine.check_instances(context, fixtures.PROJECT, "alice", 1, 1, 1,
                               512)
    return raised.value.format_message()


def test_requests_in_flight_beyond_the_quota_are_not_usage(conf, databases):
    context = fixtures.project_context(databases)
    engine = quota.Quotas(conf)
    objects.Quotas.set_limits(context, fixtures.PROJECT, {"instances": 10})
    for _ in range(9):
        fixtures.add_server(context)
    # Accepted and on its way to a cell: usage.
    fixtures.add_build_request(context)
    assert _refusal(engine, context) == (
        "Quota exceeded for instances: Requested 1, but already used 10 of "
        "10 instances")
    # Three more requests of the same moment, which their recheck will
    # refuse: not usage.
    for _ in range(3):
        fixtures.add_build_request(context)
    assert _refusal(engine, context) == (
        "Quota exceeded for instances: Requested 1, but already used 10 of "
        "10 instances")


def test_servers_beyond_a_lowered_quota_are_usage(conf, databases):
    context = fixtures.project_context(databases)
    engine = quota.Quotas(conf)
    for _ in range(12):
        fixtures.add_server(context)
    objects.Quotas.set_limits(context, fixtures.PROJECT, {"instances": 10})
    assert _refusal(engine, context) == (
        "Quota exceeded for instances: Requested 1, but already used 12 of "
        "10 instances")
