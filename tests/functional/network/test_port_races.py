"""Ports made at once on one small subnet (threads, each request its
own transaction) get distinct addresses, and those that find none are
409 IpAddressGenerationFailure, on every database; quotas of subnets and
ports hold."""
import threading

import pytest
import webob

from stratus.api.network import app as network_app
from stratus.network.store import quotas

TOKEN = "alice:project-a"


def request(app, method, path, body=None, token=TOKEN):
    req = webob.Request.blank(path, method=method, headers={
        "X-Auth-Token": token, "Accept": "application/json"})
    if body is not None:
        req.json = body
    response = req.get_response(app)
    return response.status_int, response.json if response.body else None


@pytest.fixture
def app(conf, databases):
    return network_app.make_app(conf, databases)


def _network(app, cidr, pools=None):
    status, body = request(app, "POST", "/v2.0/networks",
                           {"network": {"name": "n"}})
    assert status == 201, body
    network_id = body["network"]["id"]
    subnet = {"network_id": network_id, "ip_version": 4, "cidr": cidr}
    if pools:
        subnet["allocation_pools"] = pools
    status, body = request(app, "POST", "/v2.0/subnets", {"subnet": subnet})
    assert status == 201, body
    return network_id


def _at_once(count, call):
    """call(index) in count threads started together: [results]."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        barrier.wait()
        results[index] = call(index)
    threads = [threading.Thread(target=run, args=(index,))
               for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_ports_get_distinct_addresses_until_full(app):
    # Six addresses: .2 to .7; ten ports asked for at once, each the
    # first of project-a (so the default security group is made once).
    network_id = _network(app, "10.0.0.0/28",
                          [{"start": "10.0.0.2", "end": "10.0.0.7"}])
    results = _at_once(10, lambda index: request(
        app, "POST", "/v2.0/ports",
        {"port": {"network_id": network_id, "name": "p%d" % index}}))

    made = [body["port"] for status, body in results if status == 201]
    refused = [body for status, body in results if status != 201]
    addresses = [port["fixed_ips"][0]["ip_address"] for port in made]
    assert len(made) == 6
    assert sorted(addresses) == ["10.0.0.%d" % last for last in range(2, 8)]
    assert [error["NeutronError"]["type"] for error in refused] == [
        "IpAddressGenerationFailure"] * 4
    assert len({port["mac_address"] for port in made}) == 6
    assert len({port["security_groups"][0] for port in made}) == 1

    status, body = request(app, "GET", "/v2.0/ports?network_id=" + network_id)
    assert sorted(port["fixed_ips"][0]["ip_address"]
                  for port in body["ports"]) == sorted(addresses)


def test_one_given_address_goes_to_one_port(app):
    network_id = _network(app, "10.1.0.0/24")
    results = _at_once(6, lambda index: request(
        app, "POST", "/v2.0/ports",
        {"port": {"network_id": network_id,
                  "fixed_ips": [{"ip_address": "10.1.0.50"}]}}))
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 5
    assert {body["NeutronError"]["type"] for status, body in results
            if status == 409} == {"IpAddressInUse"}


def test_concurrent_updates_to_one_address(app):
    network_id = _network(app, "10.2.0.0/24")
    ports = [request(app, "POST", "/v2.0/ports", {"port": {
        "network_id": network_id}})[1]["port"]["id"] for _ in range(4)]
    results = _at_once(4, lambda index: request(
        app, "PUT", "/v2.0/ports/" + ports[index],
        {"port": {"fixed_ips": [{"ip_address": "10.2.0.99"}]}}))
    assert sorted(status for status, _ in results) == [200] + [409] * 3


def test_subnet_and_port_quotas(app, conf, databases):
    quotas.QuotaStore(conf, databases).set_limits(
        "project-a", {"subnet": 1, "port": 2})
    network_id = _network(app, "10.3.0.0/24")
    status, body = request(app, "POST", "/v2.0/subnets", {"subnet": {
        "network_id": network_id, "ip_version": 4, "cidr": "10.4.0.0/24"}})
    assert status == 409
    assert body["NeutronError"]["type"] == "OverQuota"
    assert body["NeutronError"]["message"] == (
        "Quota exceeded for resources: ['subnet'].")
    for _ in range(2):
        status, _ = request(app, "POST", "/v2.0/ports", {"port": {
            "network_id": network_id}})
        assert status == 201
    status, body = request(app, "POST", "/v2.0/ports", {"port": {
        "network_id": network_id}})
    assert status == 409
    assert body["NeutronError"]["message"] == (
        "Quota exceeded for resources: ['port'].")
    # Bulk creation counts every port.
    status, body = request(app, "POST", "/v2.0/ports", {"ports": [
        {"network_id": network_id}, {"network_id": network_id}]})
    assert status == 409


def test_overlapping_subnets_made_at_once(app):
    status, body = request(app, "POST", "/v2.0/networks",
                           {"network": {"name": "n"}})
    network_id = body["network"]["id"]
    results = _at_once(4, lambda index: request(
        app, "POST", "/v2.0/subnets", {"subnet": {
            "network_id": network_id, "ip_version": 4,
            "cidr": "10.8.%d.0/24" % index if index % 2 else "10.8.0.0/16"}}))
    made = sorted(body["subnet"]["cidr"] for status, body in results
                  if status == 201)
    # Either the /16 or every /24 that does not overlap it; never both.
    assert made in (["10.8.0.0/16"], ["10.8.1.0/24", "10.8.3.0/24"]), made
    assert {body["NeutronError"]["type"] for status, body in results
            if status != 201} == {"InvalidInput"}
