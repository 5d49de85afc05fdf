"""The Compute app in-process for handler tests, with the built-in image
service behind its image API, and ways to put servers where the quota
engine counts them."""
import json
import uuid

import sqlalchemy as sa

from stratus.api.compute import app as compute_app
from stratus.api.image import app as image_app
from stratus import context as stratus_context
from stratus.db import api_models
from stratus.db import cell_models
from stratus.image import client as image_client
from stratus import objects
from tests.functional import cloud

PROJECT = "project-a"


def make_app(conf, databases, image_api=None):
    return compute_app.ComputeApp(conf, databases, messaging=None,
                                  image_api=image_api)


def client(app, token=cloud.ADMIN, version="2.1"):
    return cloud.StackClient(app, token=token, version=version)


def image_api(conf, databases, store_dir):
    """The ImageAPI client over the built-in image service, in-process."""
    conf.set_override("store_dir", str(store_dir), group="glance")
    return image_client.ImageAPI(
        direct_app=image_app.make_app(conf, databases))


def project_context(databases, user_id="alice", project_id=PROJECT):
    return stratus_context.RequestContext(
        user_id=user_id, project_id=project_id, roles=["member", "reader"],
        databases=databases)


def cell(context, name):
    """(id, uuid) of a cell mapping."""
    with context.api_db.reader() as session:
        return session.execute(sa.select(
            api_models.CellMapping.id, api_models.CellMapping.uuid).where(
            api_models.CellMapping.name == name)).one()


def add_server(context, vcpus=1, memory_mb=512, cell_name="cell1",
               user_id="alice", project_id=PROJECT, **columns):
    """A server as the conductor leaves it: mapped, and in a cell."""
    server_uuid = str(uuid.uuid4())
    cell_id, cell_uuid = cell(context, cell_name)
    with context.api_db.writer() as session:
        session.add(api_models.InstanceMapping(
            instance_uuid=server_uuid, cell_id=cell_id, project_id=project_id,
            user_id=user_id, queued_for_delete=False))
    with context.cell_db_for(cell_uuid).writer() as session:
        session.add(cell_models.Instance(
            uuid=server_uuid, project_id=project_id, user_id=user_id,
            vcpus=vcpus, memory_mb=memory_mb, **columns))
    return server_uuid


def add_build_request(context, vcpus=1, memory_mb=512, user_id="alice"):
    """A server the API accepted that has not reached a cell yet."""
    server_uuid = str(uuid.uuid4())
    instance = objects.Instance(uuid=server_uuid, project_id=PROJECT,
                                user_id=user_id, vcpus=vcpus,
                                memory_mb=memory_mb)
    with context.api_db.writer() as session:
        session.add(api_models.InstanceMapping(
            instance_uuid=server_uuid, cell_id=None, project_id=PROJECT,
            user_id=user_id, queued_for_delete=False))
        session.add(api_models.BuildRequest(
            instance_uuid=server_uuid, project_id=PROJECT,
            instance=json.dumps(instance.obj_to_primitive())))
    return server_uuid
