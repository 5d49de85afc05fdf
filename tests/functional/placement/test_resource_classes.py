"""/resource_classes: standard ones, CUSTOM_* ones, PUT creating from 1.7."""
import os_resource_classes

from stratus.placement import errors as codes
from tests.functional.placement.conftest import error_of


def test_not_there_before_1_2(placement):
    error_of(placement.request("GET", "/resource_classes", version="1.1"),
             404)


def test_list_has_standard_classes_and_links(placement):
    body = placement.get("/resource_classes", version="1.2")
    names = [rc["name"] for rc in body["resource_classes"]]
    assert names[:len(os_resource_classes.STANDARDS)] == list(
        os_resource_classes.STANDARDS)
    assert body["resource_classes"][0]["links"] == [
        {"rel": "self", "href": "/resource_classes/VCPU"}]
    assert placement.get("/resource_classes/VCPU")["name"] == "VCPU"


def test_create_show_delete(placement):
    response = placement.request("POST", "/resource_classes",
                                 {"name": "CUSTOM_GPU"})
    assert response.status_int == 201
    assert response.headers["Location"].endswith("/resource_classes/CUSTOM_GPU")
    error_of(placement.request("POST", "/resource_classes",
                               {"name": "CUSTOM_GPU"}), 409,
             codes.DUPLICATE_NAME)
    for name in ("GPU", "custom_x", "CUSTOM_", "CUSTOM_" + "X" * 300):
        error_of(placement.request("POST", "/resource_classes",
                                   {"name": name}), 400)
    assert placement.get("/resource_classes/CUSTOM_GPU")["name"] == "CUSTOM_GPU"
    assert placement.request("DELETE", "/resource_classes/CUSTOM_GPU"
                             ).status_int == 204
    error_of(placement.request("GET", "/resource_classes/CUSTOM_GPU"), 404)
    error_of(placement.request("DELETE", "/resource_classes/VCPU"), 400)


def test_in_use_class_stays(placement):
    placement.ok("PUT", "/resource_classes/CUSTOM_GPU", status=201)
    placement.provider("cn1", inventories={"CUSTOM_GPU": 2})
    error_of(placement.request("DELETE", "/resource_classes/CUSTOM_GPU"), 409)


def test_put_renames_before_1_7_and_creates_after(placement):
    placement.ok("POST", "/resource_classes", {"name": "CUSTOM_OLD"})
    body = placement.ok("PUT", "/resource_classes/CUSTOM_OLD",
                        {"name": "CUSTOM_NEW"}, version="1.6")
    assert body["name"] == "CUSTOM_NEW"
    error_of(placement.request("PUT", "/resource_classes/VCPU",
                               {"name": "CUSTOM_V"}, version="1.6"), 400)
    assert placement.request("PUT", "/resource_classes/CUSTOM_NEW",
                             version="1.7").status_int == 204
    assert placement.request("PUT", "/resource_classes/CUSTOM_MADE",
                             version="1.7").status_int == 201
    error_of(placement.request("PUT", "/resource_classes/MADE",
                               version="1.7"), 400)
