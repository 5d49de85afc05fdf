"""The Compute app in-process for handler tests, and an image service
stand-in implementing stratus.image.client.ImageAPI's four methods.

Until every handler module named in the route table exists, the app is
built with the routes of the resource modules these tests cover; set
FULL_ROUTE_TABLE to build it with the whole table.
"""
import copy
import datetime
import uuid
from unittest import mock

from stratus.api.compute import app as compute_app
from stratus.api.compute import routes
from stratus import exception
from tests.functional import cloud

FULL_ROUTE_TABLE = False

MODULES = {"versions", "extensions", "flavors", "flavor_access",
           "flavor_extra_specs", "keypairs", "limits", "quota_sets",
           "images", "image_metadata"}


def _own_routes():
    return {template: methods for template, methods in routes.ROUTES.items()
            if all(target.split(":")[0] in MODULES
                   for target in methods.values())}


def make_app(conf, databases, image_api=None):
    if FULL_ROUTE_TABLE:
        return compute_app.ComputeApp(conf, databases, messaging=None,
                                      image_api=image_api)
    own = routes.resolve(_own_routes())
    with mock.patch.object(routes, "resolve", lambda *args: own):
        return compute_app.ComputeApp(conf, databases, messaging=None,
                                      image_api=image_api)


def client(app, token=cloud.ADMIN, version="2.1"):
    return cloud.StackClient(app, token=token, version=version)


class FakeImageAPI:
    """Glance v2 documents in a dict."""

    def __init__(self):
        self.images = {}

    def add(self, **values):
        now = datetime.datetime(2024, 1, 2, 3, 4, 5).isoformat() + "Z"
        image = {"id": str(uuid.uuid4()), "name": "cirros",
                 "status": "active", "visibility": "public",
                 "min_ram": 0, "min_disk": 0, "size": 1024,
                 "created_at": now, "updated_at": now,
                 "container_format": "bare", "disk_format": "qcow2",
                 "tags": []}
        image.update(values)
        self.images[image["id"]] = image
        return image

    def get(self, context, image_id):
        if image_id not in self.images:
            raise exception.ImageNotFound(image_id=image_id)
        return copy.deepcopy(self.images[image_id])

    def list(self, context, limit=None, marker=None, **filters):
        found = sorted(self.images.values(), key=lambda i: i["id"])
        if marker is not None:
            if marker not in self.images:
                raise exception.ImageNotFound(image_id=marker)
            found = [i for i in found if i["id"] > marker]
        found = [i for i in found
                 if all(i.get(k) == v for k, v in filters.items())]
        return copy.deepcopy(found[:limit])

    def delete(self, context, image_id):
        if self.images.pop(image_id, None) is None:
            raise exception.ImageNotFound(image_id=image_id)

    def update(self, context, image_id, properties):
        image = self.get(context, image_id)
        core = {k: v for k, v in image.items()
                if k not in properties and k in _CORE}
        self.images[image_id] = dict(core, **properties)
        return copy.deepcopy(self.images[image_id])


_CORE = {"id", "name", "status", "visibility", "min_ram", "min_disk",
         "size", "created_at", "updated_at", "container_format",
         "disk_format", "tags"}
