"""The Compute API with the servers resource, on real databases, without
the backend services.

Casts go over the in-process ``fake://`` transport; with nobody serving
the conductor topic they go nowhere, so a test sees exactly what the API
wrote and what it shows. ``ConductorRecorder`` serves the topic when a
test wants to see the cast itself. Servers "placed" by the backend are
made directly in a cell with ``Servers.place`` (instance, mapping, action),
as the conductor does.
"""
import threading
import unittest.mock
import uuid

from stratus.api.compute import app as compute_app
from stratus.api.compute import routes
from stratus.api.image import app as image_app
from stratus import context as stratus_context
from stratus.image import bootstrap as image_bootstrap
from stratus.image import client as image_client
from stratus.objects import build_request as build_request_obj
from stratus.objects import cell_mapping
from stratus.objects import fields
from stratus.objects import flavor as flavor_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action
from stratus.objects import instance_fault
from stratus.objects import instance_mapping
from stratus import rpc
from tests.functional import cloud as cloud_harness

ADMIN = cloud_harness.ADMIN
DEMO = cloud_harness.DEMO
OTHER = "other:other"
IMAGE_ID = image_bootstrap.DEFAULT_IMAGE_ID


def importable_routes():
    """The route table restricted to handler modules that import (other
    resources may be half-written while the servers resource is tested)."""
    usable = {}
    for template, methods in routes.ROUTES.items():
        try:
            routes.resolve({template: methods})
        except ImportError:
            continue
        usable[template] = methods
    return usable


def compute_app_for(conf, databases, messaging, image_api):
    resolve = routes.resolve
    table = importable_routes()
    with unittest.mock.patch.object(routes, "resolve",
                                    lambda: resolve(table)):
        return compute_app.ComputeApp(conf, databases, messaging,
                                      image_api=image_api)


class Servers:
    """The app, clients for admin/demo/other, and ways to put servers in
    cells directly."""

    def __init__(self, conf, databases, tmp_path):
        conf.set_override("store_dir", str(tmp_path / "images"),
                          group="glance")
        self.conf = conf
        self.databases = databases
        self.ctx = stratus_context.get_admin_context(databases)
        flavor_obj.Flavor.ensure_defaults(self.ctx)
        image_bootstrap.ensure_default_images(conf, databases)
        self.images = image_client.ImageAPI(
            direct_app=image_app.make_app(conf, databases))
        self.messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
        self.app = compute_app_for(conf, databases, self.messaging,
                                   self.images)
        self.cells = {cell.name: cell.uuid for cell in
                      cell_mapping.CellMappingList.get_all(self.ctx)}
        self.admin = cloud_harness.StackClient(self.app, ADMIN)
        self.demo = self.admin.as_user(DEMO)
        self.other = self.admin.as_user(OTHER)

    def close(self):
        self.messaging.cleanup()

    def flavor(self, flavorid="1"):
        return flavor_obj.Flavor.get_by_flavor_id(self.ctx, flavorid)

    def place(self, cell="cell1", name="vm", project_id="demo",
              user_id="demo", vm_state=fields.VMState.ACTIVE, task_state=None,
              host="host1", flavorid="1", fault=None, **values):
        """A server that the backend has placed in a cell: the instance,
        its mapping, its 'create' action."""
        flavor = self.flavor(flavorid)
        ctx = self.ctx_for(project_id, user_id)
        instance_uuid = values.pop("uuid", None) or str(uuid.uuid4())
        values.setdefault("power_state", fields.PowerState.RUNNING
                          if vm_state == fields.VMState.ACTIVE
                          else fields.PowerState.NOSTATE)
        with ctx.target_cell(self.cells[cell]) as cctx:
            instance = instance_obj.Instance(
                uuid=instance_uuid, display_name=name, hostname=name,
                project_id=project_id, user_id=user_id, image_ref=IMAGE_ID,
                vm_state=vm_state, task_state=task_state, host=host,
                node=host and host + "-node", flavor=flavor,
                instance_type_id=flavor.id, memory_mb=flavor.memory_mb,
                vcpus=flavor.vcpus, root_gb=flavor.root_gb,
                ephemeral_gb=flavor.ephemeral_gb, launch_index=0,
                reservation_id="r-test", **values)
            instance.create(cctx)
            instance_mapping.InstanceMapping(
                instance_uuid=instance_uuid, project_id=project_id,
                user_id=user_id, cell_uuid=self.cells[cell]).create(ctx)
            instance_action.InstanceAction.action_start(
                cctx, instance_uuid, instance_action.CREATE)
            if fault is not None:
                instance_fault.InstanceFault.from_exception(
                    instance_uuid, fault).create(cctx)
        return instance

    def ctx_for(self, project_id, user_id):
        return stratus_context.RequestContext(
            user_id=user_id, project_id=project_id, databases=self.databases,
            request_id="req-" + str(uuid.uuid4()))

    def instance(self, server_id, **kwargs):
        """The server's Instance, read from its cell."""
        mapping = instance_mapping.InstanceMapping.get_by_instance_uuid(
            self.ctx, server_id)
        with self.ctx.target_cell(mapping.cell_uuid) as cctx:
            return instance_obj.Instance.get_by_uuid(cctx, server_id,
                                                     **kwargs)

    def build_request(self, server_id):
        return build_request_obj.BuildRequest.get_by_instance_uuid(
            self.ctx, server_id)


class ConductorRecorder:
    """Serves the conductor topic and records what the API casts."""

    def __init__(self, messaging):
        self.calls = []
        self.arrived = threading.Event()
        self.server = messaging.server("conductor", "recorder", [self])
        self.server.start()

    def schedule_and_build_instances(self, ctx, build_requests,
                                     request_specs, admin_password,
                                     injected_files):
        self.calls.append(dict(ctx=ctx, build_requests=build_requests,
                               request_specs=request_specs,
                               admin_password=admin_password,
                               injected_files=injected_files))
        self.arrived.set()

    def stop(self):
        self.server.stop()
        self.server.wait()
