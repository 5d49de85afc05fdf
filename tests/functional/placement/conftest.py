"""The Placement app in-process on the test databases."""
import json
import uuid

import pytest
import webob

from stratus.api.placement import app as placement_app

ADMIN = "admin:admin"


class PlacementClient:
    """Requests to the in-process app: noauth tokens, a microversion per
    client (or per request), JSON bodies."""

    def __init__(self, app, version="1.39", token=ADMIN):
        self.app = app
        self.version = version
        self.token = token

    def at(self, version):
        return PlacementClient(self.app, version, self.token)

    def request(self, method, path, body=None, version=None, token=None,
                headers=None):
        all_headers = {"X-Auth-Token": self.token if token is None else token}
        version = self.version if version is None else version
        if version:
            all_headers["OpenStack-API-Version"] = "placement %s" % version
        all_headers.update(headers or {})
        req = webob.Request.blank(path, method=method, headers=all_headers)
        if body is not None:
            req.body = (body if isinstance(body, bytes)
                        else json.dumps(body).encode())
            if "Content-Type" not in all_headers:
                req.content_type = "application/json"
        return req.get_response(self.app)

    def ok(self, method, path, body=None, status=(200, 201, 204), **kw):
        response = self.request(method, path, body, **kw)
        assert response.status_int in (
            (status,) if isinstance(status, int) else status), (
            method, path, response.status, response.text)
        return response.json if response.body else None

    def get(self, path, **kw):
        return self.ok("GET", path, status=200, **kw)

    # Shortcuts to build the state a test needs -------------------------
    def provider(self, name, parent=None, inventories=None, traits=None,
                 aggregates=None, provider_uuid=None):
        body = {"name": name, "uuid": provider_uuid or str(uuid.uuid4())}
        if parent:
            body["parent_provider_uuid"] = parent
        rp = self.ok("POST", "/resource_providers", body, version="1.39")
        if inventories:
            self.ok("PUT", "/resource_providers/%s/inventories" % rp["uuid"], {
                "resource_provider_generation": self.generation(rp["uuid"]),
                "inventories": {k: (v if isinstance(v, dict) else {"total": v})
                                for k, v in inventories.items()}},
                version="1.39")
        if traits:
            self.ok("PUT", "/resource_providers/%s/traits" % rp["uuid"], {
                "resource_provider_generation": self.generation(rp["uuid"]),
                "traits": traits}, version="1.39")
        if aggregates:
            self.ok("PUT", "/resource_providers/%s/aggregates" % rp["uuid"], {
                "resource_provider_generation": self.generation(rp["uuid"]),
                "aggregates": aggregates}, version="1.39")
        return rp["uuid"]

    def generation(self, rp_uuid):
        return self.get("/resource_providers/%s" % rp_uuid,
                        version="1.39")["generation"]

    def allocate_response(self, consumer, allocations, project="p1",
                          user="u1", consumer_type="INSTANCE",
                          generation=None):
        return self.request("PUT", "/allocations/%s" % consumer, {
            "allocations": {rp: {"resources": res}
                            for rp, res in allocations.items()},
            "project_id": project, "user_id": user,
            "consumer_generation": generation,
            "consumer_type": consumer_type}, version="1.39")

    def allocate(self, consumer, allocations, **kw):
        response = self.allocate_response(consumer, allocations, **kw)
        assert response.status_int == 204, response.text


def error_of(response, status, code=None):
    """The one error of a Placement error body, checked."""
    assert response.status_int == status, (response.status, response.text)
    (error,) = response.json["errors"]
    assert error["status"] == status
    assert error["title"] and error["detail"]
    assert error["request_id"].startswith("req-")
    if code is not None:
        assert error["code"] == code, error
    return error


@pytest.fixture
def placement(conf, databases):
    """A client of the Placement app on each database backend."""
    return PlacementClient(placement_app.make_app(conf, databases))


@pytest.fixture
def placement_sqlite(conf, sqlite_databases):
    """The same on SQLite only, for tests whose subject is not the DB."""
    return PlacementClient(placement_app.make_app(conf, sqlite_databases))
