"""/allocations, /allocations/{consumer} and provider allocations."""
import uuid

from stratus.placement import errors as codes
from tests.functional.placement.conftest import error_of

CONSUMER = "33333333-3333-4333-8333-333333333333"


def _cn(placement, name="cn1", vcpu=8):
    return placement.provider(name, inventories={"VCPU": vcpu,
                                                 "MEMORY_MB": 4096})


def test_list_format_before_1_12(placement):
    rp = _cn(placement)
    placement.ok("PUT", "/allocations/" + CONSUMER, {"allocations": [
        {"resource_provider": {"uuid": rp}, "resources": {"VCPU": 2}}]},
        version="1.0", status=204)
    error_of(placement.request("PUT", "/allocations/" + CONSUMER, {
        "allocations": [{"resource_provider": {"uuid": rp},
                         "resources": {"VCPU": 2}}]}, version="1.8"), 400)
    body = placement.get("/allocations/" + CONSUMER, version="1.11")
    assert body == {"allocations": {rp: {"generation": 2,
                                         "resources": {"VCPU": 2}}}}


def test_dict_format_and_owner_from_1_12(placement):
    rp = _cn(placement)
    placement.ok("PUT", "/allocations/" + CONSUMER, {
        "allocations": {rp: {"resources": {"VCPU": 2, "MEMORY_MB": 512}}},
        "project_id": "p1", "user_id": "u1"}, version="1.12", status=204)
    body = placement.get("/allocations/" + CONSUMER, version="1.12")
    assert (body["project_id"], body["user_id"]) == ("p1", "u1")
    assert "consumer_generation" not in body
    assert body["allocations"][rp]["resources"] == {"VCPU": 2,
                                                    "MEMORY_MB": 512}


def test_consumer_generation_from_1_28(placement):
    rp = _cn(placement)
    body = {"allocations": {rp: {"resources": {"VCPU": 1}}},
            "project_id": "p1", "user_id": "u1"}
    error_of(placement.request("PUT", "/allocations/" + CONSUMER, body,
                               version="1.28"), 400)
    error_of(placement.request("PUT", "/allocations/" + CONSUMER, dict(
        body, consumer_generation=3), version="1.28"), 409,
        codes.CONCURRENT_UPDATE)
    placement.ok("PUT", "/allocations/" + CONSUMER, dict(
        body, consumer_generation=None), version="1.28", status=204)
    shown = placement.get("/allocations/" + CONSUMER, version="1.28")
    assert shown["consumer_generation"] == 1
    error_of(placement.request("PUT", "/allocations/" + CONSUMER, dict(
        body, consumer_generation=None), version="1.28"), 409,
        codes.CONCURRENT_UPDATE)
    placement.ok("PUT", "/allocations/" + CONSUMER, dict(
        body, consumer_generation=1), version="1.28", status=204)
    assert placement.get("/allocations/" + CONSUMER)[
        "consumer_generation"] == 2
    # Empty allocations with the right generation remove the consumer.
    placement.ok("PUT", "/allocations/" + CONSUMER, dict(
        body, allocations={}, consumer_generation=2), version="1.28",
        status=204)
    assert placement.get("/allocations/" + CONSUMER) == {"allocations": {}}


def test_consumer_type_from_1_38(placement):
    rp = _cn(placement)
    body = {"allocations": {rp: {"resources": {"VCPU": 1}}},
            "project_id": "p1", "user_id": "u1", "consumer_generation": None}
    error_of(placement.request("PUT", "/allocations/" + CONSUMER, dict(
        body, consumer_type="INSTANCE"), version="1.37"), 400)
    error_of(placement.request("PUT", "/allocations/" + CONSUMER, body,
                               version="1.38"), 400)
    placement.ok("PUT", "/allocations/" + CONSUMER, body, version="1.37",
                 status=204)
    assert placement.get("/allocations/" + CONSUMER)[
        "consumer_type"] == "unknown"
    placement.ok("PUT", "/allocations/" + CONSUMER, dict(
        body, consumer_generation=1, consumer_type="MIGRATION"),
        version="1.38", status=204)
    shown = placement.get("/allocations/" + CONSUMER, version="1.38")
    assert shown["consumer_type"] == "MIGRATION"
    assert "consumer_type" not in placement.get("/allocations/" + CONSUMER,
                                                version="1.37")


def test_capacity_and_bad_allocations(placement):
    rp = _cn(placement, vcpu=4)
    placement.allocate(str(uuid.uuid4()), {rp: {"VCPU": 3}})
    error_of(placement.allocate_response(CONSUMER, {rp: {"VCPU": 2}}), 409)
    error_of(placement.allocate_response(CONSUMER, {rp: {"DISK_GB": 2}}), 409)
    error_of(placement.allocate_response(CONSUMER, {rp: {"CUSTOM_NO": 2}}),
             400)
    error_of(placement.allocate_response(
        CONSUMER, {str(uuid.uuid4()): {"VCPU": 1}}), 400)
    error_of(placement.allocate_response(CONSUMER, {rp: {"VCPU": 0}}), 400)
    assert placement.get("/allocations/" + CONSUMER) == {"allocations": {}}


def test_provider_allocations_and_generation(placement):
    rp = _cn(placement)
    before = placement.generation(rp)
    placement.allocate(CONSUMER, {rp: {"VCPU": 2}})
    body = placement.get("/resource_providers/%s/allocations" % rp)
    assert body == {"allocations": {CONSUMER: {"resources": {"VCPU": 2}}},
                    "resource_provider_generation": before + 1}


def test_delete(placement):
    rp = _cn(placement)
    placement.allocate(CONSUMER, {rp: {"VCPU": 2}})
    assert placement.request("DELETE", "/allocations/" + CONSUMER
                             ).status_int == 204
    error_of(placement.request("DELETE", "/allocations/" + CONSUMER), 404)
    assert placement.get("/resource_providers/%s/usages" % rp)[
        "usages"]["VCPU"] == 0


def test_post_many_consumers_from_1_13(placement):
    rp1, rp2 = _cn(placement, "cn1", 4), _cn(placement, "cn2", 4)
    other = str(uuid.uuid4())
    placement.allocate(CONSUMER, {rp1: {"VCPU": 2}})
    body = {CONSUMER: {"allocations": {rp2: {"resources": {"VCPU": 2}}},
                       "project_id": "p1", "user_id": "u1",
                       "consumer_generation": 1,
                       "consumer_type": "INSTANCE"},
            other: {"allocations": {rp1: {"resources": {"VCPU": 4}}},
                    "project_id": "p1", "user_id": "u1",
                    "consumer_generation": None,
                    "consumer_type": "MIGRATION"}}
    error_of(placement.request("POST", "/allocations", body,
                               version="1.12"), 405)
    # All or nothing: one consumer that does not fit fails both.
    too_big = dict(body, **{other: dict(body[other], allocations={
        rp1: {"resources": {"VCPU": 5}}})})
    error_of(placement.request("POST", "/allocations", too_big), 409)
    assert placement.get("/allocations/" + CONSUMER)["allocations"].keys() == {rp1}
    placement.ok("POST", "/allocations", body, status=204)
    assert placement.get("/allocations/" + CONSUMER)["allocations"].keys() == {rp2}
    assert placement.get("/allocations/" + other)["allocations"].keys() == {rp1}
    old = {c: {"allocations": b["allocations"], "project_id": "p",
               "user_id": "u"} for c, b in body.items()}
    placement.ok("POST", "/allocations", old, version="1.13", status=204)


def test_usages(placement):
    rp = _cn(placement)
    placement.allocate(CONSUMER, {rp: {"VCPU": 2, "MEMORY_MB": 256}},
                       project="p1", user="u1")
    placement.allocate(str(uuid.uuid4()), {rp: {"VCPU": 1}}, project="p1",
                       user="u2", consumer_type="MIGRATION")
    placement.allocate(str(uuid.uuid4()), {rp: {"VCPU": 1}}, project="p2")
    assert placement.get("/resource_providers/%s/usages" % rp)["usages"] == {
        "VCPU": 4, "MEMORY_MB": 256}
    error_of(placement.request("GET", "/usages?project_id=p1",
                               version="1.8"), 404)
    assert placement.get("/usages?project_id=p1", version="1.9") == {
        "usages": {"VCPU": 3, "MEMORY_MB": 256}}
    assert placement.get("/usages?project_id=p1&user_id=u2",
                         version="1.37") == {"usages": {"VCPU": 1}}
    assert placement.get("/usages?project_id=p1", version="1.38") == {
        "usages": {
            "INSTANCE": {"consumer_count": 1, "VCPU": 2, "MEMORY_MB": 256},
            "MIGRATION": {"consumer_count": 1, "VCPU": 1},
            "all": {"consumer_count": 2, "VCPU": 3, "MEMORY_MB": 256}}}
    error_of(placement.request("GET", "/usages"), 400)


def test_empty_allocations_before_1_28_forget_the_consumer(placement):
    rp = _cn(placement)
    placement.allocate(CONSUMER, {rp: {"VCPU": 1}})
    placement.ok("POST", "/allocations", {CONSUMER: {
        "allocations": {}, "project_id": "p1", "user_id": "u1"}},
        version="1.27", status=204)
    assert placement.get("/allocations/" + CONSUMER) == {"allocations": {}}
    # So a client at 1.28 may create it again as a new consumer.
    placement.allocate(CONSUMER, {rp: {"VCPU": 1}}, generation=None)


def test_post_checks_capacity_after_the_whole_batch(placement):
    # Whatever the order of consumers in the body, one moving away makes
    # room for the other (a migration's swap).
    rp = _cn(placement, "cn1", 4)
    target = _cn(placement, "cn2", 4)
    for first, second in (("10000000-0000-4000-8000-000000000000",
                           "f0000000-0000-4000-8000-000000000000"),
                          ("f1000000-0000-4000-8000-000000000000",
                           "11000000-0000-4000-8000-000000000000")):
        placement.allocate(second, {rp: {"VCPU": 4}})
        placement.ok("POST", "/allocations", {
            first: {"allocations": {rp: {"resources": {"VCPU": 4}}},
                    "project_id": "p", "user_id": "u",
                    "consumer_generation": None, "consumer_type": "MIGRATION"},
            second: {"allocations": {target: {"resources": {"VCPU": 4}}},
                     "project_id": "p", "user_id": "u",
                     "consumer_generation": 1, "consumer_type": "INSTANCE"}},
            status=204)
        for consumer in (first, second):
            placement.ok("DELETE", "/allocations/" + consumer, status=204)
