"""Compute hosts in-process: real compute services (ComputeManager, fake
driver, Service) talking over the ``fake://`` transport to a conductor,
and the host-facing Compute API (os-services, os-hypervisors,
os-availability-zone) served by the real ComputeApp.

The app is built with the routes of the host-facing modules only, since
other handler modules named in the route table are written in parallel.
"""
import datetime
import time
import uuid
from unittest import mock

import oslo_messaging

from stratus.api.compute import app as compute_app
from stratus.api.compute import routes
from stratus.compute import manager as compute_manager
from stratus.conductor.tasks import compute_report
from stratus import context as stratus_context
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import fields
from stratus.objects import flavor as flavor_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_fault as instance_fault_obj
from stratus.objects import request_spec as request_spec_obj
from stratus.objects import selection as selection_obj
from stratus.objects import service as service_obj
from stratus import rpc
from stratus import service as stratus_service
from stratus.virt import driver as virt_driver
from tests.functional import cloud

HOST_MODULES = {"services", "hypervisors", "availability_zones"}
VMState = fields.VMState
TaskState = fields.TaskState


def host_routes():
    return {template: methods for template, methods in routes.ROUTES.items()
            if all(target.split(":")[0] in HOST_MODULES
                   for target in methods.values())}


def make_app(conf, databases, messaging):
    own = routes.resolve(host_routes())
    with mock.patch.object(routes, "resolve", lambda *args: own):
        return compute_app.ComputeApp(conf, databases, messaging)


def client(app, token=cloud.ADMIN, version="2.1"):
    return cloud.StackClient(app, token=token, version=version)


class ConductorStandIn:
    """The conductor's compute-facing RPC methods over the real objects
    and the real compute registration task, recording action events and
    reschedule requests for the tests to look at."""

    target = oslo_messaging.Target(version="1.0")

    def __init__(self, conf, databases):
        self.conf = conf
        self.databases = databases
        self.events = []
        self.reschedules = []

    @property
    def cell(self):
        ctx = stratus_context.get_admin_context(self.databases)
        return cell_mapping_obj.local_cell(ctx, self.conf)

    def init_host(self):
        pass

    def periodic_tasks(self):
        return []

    def service_report(self, ctx, service):
        return compute_report.service_report(ctx, self.cell, service)

    def compute_nodes_update(self, ctx, host, compute_nodes):
        return compute_report.compute_nodes_update(ctx, self.cell, host,
                                                   compute_nodes)

    def instances_on_host(self, ctx, host):
        with ctx.target_cell(self.cell.uuid) as cctx:
            return instance_obj.InstanceList.get_by_host(cctx, host)

    def instance_save(self, ctx, instance, expected_task_state=None):
        instance.save(expected_task_state=expected_task_state)
        return instance

    def instance_destroy(self, ctx, instance):
        instance.destroy()

    def action_event_start(self, ctx, instance_uuid, event, host):
        self.events.append((instance_uuid, event, "start", None))

    def action_event_finish(self, ctx, instance_uuid, event, host, result,
                            traceback=None):
        self.events.append((instance_uuid, event, result, traceback))

    def reschedule_build(self, ctx, instance, request_spec, alternates,
                         reason, admin_password, injected_files):
        self.reschedules.append((instance.uuid, [alternate.service_host
                                                 for alternate in alternates],
                                 reason))
        instance.vm_state = VMState.ERROR
        instance.task_state = None
        instance.save()
        with ctx.target_cell(instance.cell_uuid) as cctx:
            instance_fault_obj.InstanceFault(
                instance_uuid=instance.uuid, code=500, message=reason,
                host=instance.host).create(cctx)

    def events_of(self, instance_uuid):
        return [event[1:] for event in self.events
                if event[0] == instance_uuid]


class Hosts:
    """A conductor and compute services sharing one fake:// transport."""

    def __init__(self, conf, databases):
        self.ctx = stratus_context.get_admin_context(databases)
        cell1, = cell_mapping_obj.CellMappingList.get_all(
            self.ctx).host_cells()
        conf.set_override("connection", cell1.database_connection,
                          group="database")
        self.cell_uuid = cell1.uuid
        self.conf = conf
        self.databases = databases
        self.messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
        self.conductor = ConductorStandIn(conf, databases)
        self.services = [stratus_service.Service(
            conf, self.messaging, "nova-conductor", "conductor", "control",
            self.conductor, databases=databases).start()]
        self.computes = {}
        self._app = None

    @property
    def app(self):
        if self._app is None:
            self._app = make_app(self.conf, self.databases, self.messaging)
        return self._app

    def start_compute(self, host):
        """A running compute service on host; its ComputeManager."""
        manager = compute_manager.ComputeManager(
            self.conf, self.messaging, host,
            virt_driver.load_driver(self.conf, host))
        service = stratus_service.Service(
            self.conf, self.messaging, "nova-compute", "compute", host,
            manager).start()
        self.services.append(service)
        self.computes[host] = manager
        return manager

    def stop_compute(self, host):
        for service in list(self.services):
            if service.host == host and service.binary == "nova-compute":
                service.stop()
                self.services.remove(service)
        return self.computes.pop(host)

    def stop(self):
        for service in reversed(self.services):
            service.stop()
        self.messaging.cleanup()

    # Instances ------------------------------------------------------

    def create_instance(self, host, node, name="vm", **values):
        """An instance in cell1 as the conductor creates it for a build."""
        flavor = small_flavor()
        defaults = dict(
            uuid=str(uuid.uuid4()), display_name=name, hostname=name,
            project_id="demo", user_id="demo", host=host, node=node,
            vm_state=VMState.BUILDING, task_state=TaskState.SCHEDULING,
            power_state=fields.PowerState.NOSTATE, flavor=flavor,
            vcpus=flavor.vcpus, memory_mb=flavor.memory_mb,
            root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
            instance_type_id=flavor.id)
        defaults.update(values)
        with self.ctx.target_cell(self.cell_uuid) as cctx:
            instance = instance_obj.Instance(cctx, **defaults)
            instance.create()
        return instance

    def instance(self, instance_uuid):
        with self.ctx.target_cell(self.cell_uuid) as cctx:
            return instance_obj.Instance.get_by_uuid(
                cctx, instance_uuid, expected_attrs=["fault"],
                read_deleted=True)

    def wait_for(self, instance_uuid, predicate, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            instance = self.instance(instance_uuid)
            if predicate(instance):
                return instance
            if time.monotonic() > deadline:
                raise AssertionError("instance %s: vm_state %s task_state %s"
                                     % (instance_uuid, instance.vm_state,
                                        instance.task_state))
            time.sleep(0.01)

    def wait_for_events(self, instance_uuid, count, timeout=10):
        """The instance's action events once there are count of them."""
        deadline = time.monotonic() + timeout
        while len(self.conductor.events_of(instance_uuid)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(self.conductor.events_of(instance_uuid))
            time.sleep(0.01)
        return self.conductor.events_of(instance_uuid)

    def selection(self, host, node):
        return selection_obj.Selection(
            service_host=host, nodename=node,
            compute_node_uuid=str(uuid.uuid4()), cell_uuid=self.cell_uuid)

    def mark_down(self, host, binary="nova-compute"):
        service = service_obj.Service.get_by_host_and_binary(self.ctx, host,
                                                             binary)
        service.last_seen_up -= datetime.timedelta(hours=1)
        service.save()


def small_flavor():
    return flavor_obj.Flavor(
        id=1, flavorid="1", name="m1.small", vcpus=1, memory_mb=512,
        root_gb=1, ephemeral_gb=0, swap=0, extra_specs={})


def request_spec(instance, networks="auto", **values):
    return request_spec_obj.RequestSpec(
        instance_uuid=instance.uuid, project_id=instance.project_id,
        user_id=instance.user_id, flavor=small_flavor(), image=None,
        requested_networks=[{"network_id": networks}], **values)
