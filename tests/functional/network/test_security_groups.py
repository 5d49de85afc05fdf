"""The built-in network service's security groups where YAML cannot say
it, on each database: a project's first requests, made at once, make one
default group; the same rule asked for at once is made once, and
groups naming each other take their rules at once; a group ports use is
kept."""
import json
import threading

import pytest
import sqlalchemy as sa
import webob

from stratus.api.network import app as network_app
from stratus.db import network_models as models

THREADS = 8


def _call(app, method, path, token, body=None):
    request = webob.Request.blank(path, method=method, headers={
        "X-Auth-Token": token, "Accept": "application/json",
        "Content-Type": "application/json"})
    if body is not None:
        request.body = json.dumps(body).encode()
    response = request.get_response(app)
    return response.status_int, (response.json if response.body else None)


def _at_once(work):
    """work(index) in THREADS threads released together; the results."""
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS
    errors = []

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # reported below, with the thread's
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,))
               for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.fixture
def app(conf, databases):
    return network_app.NetworkApp(conf, databases)


def _rows(databases, model, project_id):
    with databases.api.reader() as session:
        return session.execute(sa.select(model).where(
            model.project_id == project_id)).scalars().all()


def test_first_lists_at_once_make_one_default_group(app, databases):
    def list_groups(index):
        if index % 2:
            return _call(app, "GET", "/v2.0/security-groups",
                         "alice:project-a")
        return _call(app, "POST", "/v2.0/security-groups",
                     "alice:project-a",
                     {"security_group": {"name": "g%d" % index}})

    results = _at_once(list_groups)

    assert sorted({status for status, _ in results}) == [200, 201]
    groups = _rows(databases, models.SecurityGroup, "project-a")
    defaults = [group for group in groups if group.name == "default"]
    assert len(defaults) == 1
    assert len(groups) == 1 + THREADS // 2
    with databases.api.reader() as session:
        marks = session.execute(sa.select(
            models.DefaultSecurityGroup)).scalars().all()
    assert [(mark.project_id, mark.security_group_id) for mark in marks] == [
        ("project-a", defaults[0].id)]
    default_rules = [rule for rule in _rows(
        databases, models.SecurityGroupRule, "project-a")
        if rule.security_group_id == defaults[0].id]
    assert len(default_rules) == 4
    # Every list showed that one default group.
    for status, body in results:
        if status == 200:
            assert [group["id"] for group in body["security_groups"]
                    if group["name"] == "default"] == [defaults[0].id]


def test_one_rule_asked_for_at_once_is_made_once(app, databases):
    status, body = _call(app, "POST", "/v2.0/security-groups",
                         "alice:project-a",
                         {"security_group": {"name": "web"}})
    assert status == 201
    group_id = body["security_group"]["id"]
    rule = {"security_group_rule": {
        "security_group_id": group_id, "direction": "ingress",
        "protocol": "tcp", "port_range_min": 443, "port_range_max": 443}}

    results = _at_once(lambda index: _call(
        app, "POST", "/v2.0/security-group-rules", "alice:project-a", rule))

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (THREADS - 1)
    assert {body["NeutronError"]["type"] for status, body in results
            if status == 409} == {"SecurityGroupRuleExists"}
    status, body = _call(
        app, "GET", "/v2.0/security-group-rules?protocol=tcp"
        "&security_group_id=%s" % group_id, "alice:project-a")
    assert len(body["security_group_rules"]) == 1


def test_groups_naming_each_other_at_once_take_their_rules(app):
    """Rules of group A from group B and of B from A, made at once: the
    groups are locked in one order, so none waits on the other forever."""
    groups = []
    for name in ("a", "b"):
        status, body = _call(app, "POST", "/v2.0/security-groups",
                             "alice:project-a",
                             {"security_group": {"name": name}})
        groups.append(body["security_group"]["id"])

    def make_rule(index):
        return _call(app, "POST", "/v2.0/security-group-rules",
                     "alice:project-a", {"security_group_rule": {
                         "security_group_id": groups[index % 2],
                         "remote_group_id": groups[1 - index % 2],
                         "direction": "ingress", "protocol": "tcp",
                         "port_range_min": index + 1,
                         "port_range_max": index + 1}})

    results = _at_once(make_rule)

    assert [status for status, _ in results] == [201] * THREADS


def test_a_group_ports_use_is_kept(app, databases):
    """Ports are another resource's; a port put in the group by hand
    stands for one here."""
    from stratus.network.store import ports

    status, body = _call(app, "POST", "/v2.0/networks", "alice:project-a",
                         {"network": {"name": "net"}})
    assert status == 201
    network_id = body["network"]["id"]
    status, body = _call(app, "POST", "/v2.0/security-groups",
                         "alice:project-a",
                         {"security_group": {"name": "web"}})
    group_id = body["security_group"]["id"]
    with databases.api.writer() as session:
        port = ports.add_port(session, network_id, "project-a")
        session.add(models.PortSecurityGroup(port_id=port.id,
                                             security_group_id=group_id))
    path = "/v2.0/security-groups/%s" % group_id

    status, body = _call(app, "DELETE", path, "alice:project-a")
    assert status == 409
    assert body["NeutronError"] == {
        "type": "SecurityGroupInUse", "detail": "",
        "message": "Security Group %s in use." % group_id}

    status, body = _call(app, "PUT", path, "alice:project-a",
                         {"security_group": {"stateful": False}})
    assert (status, body["NeutronError"]["type"]) == (
        409, "SecurityGroupInUse")
    status, body = _call(app, "PUT", path, "alice:project-a",
                         {"security_group": {"name": "www"}})
    assert (status, body["security_group"]["stateful"]) == (200, True)

    with databases.api.writer() as session:
        ports.remove_port(session, port.id)
    status, _ = _call(app, "DELETE", path, "alice:project-a")
    assert status == 204
