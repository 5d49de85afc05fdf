"""Racing requests on every database: only one of them wins where only
one may (threads, each request its own transaction)."""
from tests.functional.volume.helpers import ADMIN
from tests.functional.volume.helpers import at_once
from tests.functional.volume.helpers import make_volume
from tests.functional.volume.helpers import request

INSTANCES = ["8a9b7a1e-3c55-4b9e-9f0a-0c5f0e6d1a%02d" % index
             for index in range(10)]


def _attach(app, volume_id, index):
    return request(app, "POST", "/v3/attachments", {"attachment": {
        "volume_uuid": volume_id, "instance_uuid": INSTANCES[index]}},
        version="3.44")


def test_one_attachment_of_a_volume_that_is_not_multiattach(app):
    volume = make_volume(app)
    results = at_once(6, lambda index: _attach(app, volume["id"], index))
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [400] * 5, results
    status, body = request(app, "GET", "/v3/attachments?volume_id="
                           + volume["id"], version="3.44")
    assert len(body["attachments"]) == 1


def test_multiattach_volume_takes_them_all(app):
    volume = make_volume(app, volume_type="multiattach")
    assert volume["multiattach"] is True
    results = at_once(5, lambda index: _attach(app, volume["id"], index))
    assert [status for status, _ in results] == [200] * 5, results


def test_delete_racing_an_attachment_one_wins(app):
    for _ in range(3):
        volume = make_volume(app)
        path = "/v3/volumes/" + volume["id"]
        results = at_once(2, lambda index: (
            _attach(app, volume["id"], 0) if index == 0
            else request(app, "DELETE", path)))
        attached, deleted = results
        # Exactly one of them won.
        assert (attached[0] == 200) != (deleted[0] == 202), results


def test_quota_holds_under_racing_creates(app):
    status, _ = request(app, "PUT", "/v3/os-quota-sets/project-a",
                        {"quota_set": {"volumes": 3}}, token=ADMIN)
    assert status == 200
    results = at_once(8, lambda index: request(
        app, "POST", "/v3/volumes", {"volume": {"size": 1}}))
    statuses = sorted(status for status, _ in results)
    assert statuses == [202] * 3 + [413] * 5, results
    over = [body for status, body in results if status == 413][0]
    assert over["overLimit"]["code"] == 413
    _, body = request(app, "GET", "/v3/os-quota-sets/project-a?usage=True")
    assert body["quota_set"]["volumes"]["in_use"] == 3


def test_gigabytes_quota_holds_under_racing_creates(app):
    request(app, "PUT", "/v3/os-quota-sets/project-a",
            {"quota_set": {"gigabytes": 5}}, token=ADMIN)
    results = at_once(6, lambda index: request(
        app, "POST", "/v3/volumes", {"volume": {"size": 2}}))
    statuses = sorted(status for status, _ in results)
    assert statuses == [202] * 2 + [413] * 4, results
