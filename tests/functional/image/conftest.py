import json as jsonlib

import pytest
import webob

from stratus.api.image import app as image_app
from stratus.api.schemas import image as image_schema
from stratus.image import bootstrap
from tests.functional.identity.serving import served  # noqa: F401 (fixture)


class ImageClient:
    """Requests to the Image app in-process. With noauth, the token
    'user:project' names the caller; user 'admin' is an administrator.
    ``roles`` (a list) narrows the caller's roles."""

    def __init__(self, app, roles=None):
        self.app = app
        self.roles = roles

    def with_roles(self, *roles):
        return ImageClient(self.app, list(roles))

    def request(self, method, path, as_project="demo", json=None, body=None,
                content_type=None, user=None):
        headers = {"Accept": "application/json"}
        if as_project is not None:
            headers["X-Auth-Token"] = "%s:%s" % (user or as_project,
                                                 as_project)
        if self.roles is not None:
            headers["X-Roles"] = ",".join(self.roles)
        req = webob.Request.blank(path, method=method, headers=headers)
        if json is not None:
            req.body = jsonlib.dumps(json).encode("utf-8")
            req.content_type = content_type or "application/json"
        elif body is not None:
            req.body = body
            req.content_type = content_type or "application/octet-stream"
        return req.get_response(self.app)

    def create(self, as_project="demo", user=None, **fields):
        fields.setdefault("disk_format", "raw")
        fields.setdefault("container_format", "bare")
        response = self.request("POST", "/v2/images", as_project, json=fields,
                                user=user)
        assert response.status_int == 201, response.text
        return response.json

    def patch(self, image_id, operations, as_project="demo"):
        return self.request("PATCH", "/v2/images/" + image_id, as_project,
                            json=operations,
                            content_type=image_schema.PATCH_MEDIA_TYPE)

    def upload(self, image_id, data, as_project="demo"):
        return self.request("PUT", "/v2/images/%s/file" % image_id,
                            as_project, body=data)

    def names(self, query="", as_project="demo"):
        response = self.request("GET", "/v2/images" + query, as_project)
        assert response.status_int == 200, response.text
        return [image["name"] for image in response.json["images"]]


@pytest.fixture
def image_conf(conf, tmp_path):
    conf.set_override("state_path", str(tmp_path))
    return conf


@pytest.fixture
def image_app_on(image_conf):
    """A factory: the image app on some databases, with stratus-tiny."""
    def build(databases):
        bootstrap.ensure_default_images(image_conf, databases)
        return image_app.make_app(image_conf, databases)
    return build


@pytest.fixture
def images(image_app_on, databases):
    """The image app with stratus-tiny, on each database."""
    return ImageClient(image_app_on(databases))


@pytest.fixture
def sqlite_images(image_app_on, sqlite_databases):
    """The same on SQLite only, for tests of the API surface."""
    return ImageClient(image_app_on(sqlite_databases))
