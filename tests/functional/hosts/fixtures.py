"""Compute hosts in-process: real compute services (ComputeManager, fake
driver, Service) talking over the ``fake://`` transport to a real
conductor, and the host-facing Compute API (os-services, os-hypervisors,
os-availability-zone) served by the real ComputeApp.

The app is built with the routes of the host-facing modules only, since
other handler modules named in the route table are written in parallel.
"""
import concurrent.futures
import datetime
import time
import uuid
from unittest import mock

from stratus.api.compute import app as compute_app
from stratus.api.compute import routes
from stratus.compute import manager as compute_manager
from stratus.conductor import manager as conductor_manager
from stratus import context as stratus_context
from stratus.api.image import app as image_app
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import fields
from stratus.objects import flavor as flavor_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action as instance_action_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.objects import request_spec as request_spec_obj
from stratus.objects import selection as selection_obj
from stratus.objects import service as service_obj
from stratus.placement import allocations
from stratus import rpc
from stratus import service as stratus_service
from stratus.virt import loader as virt_loader
from tests.functional import cloud

HOST_MODULES = {"services", "hypervisors", "availability_zones",
                "aggregates"}
VMState = fields.VMState
TaskState = fields.TaskState


def host_routes():
    return {template: methods for template, methods in routes.ROUTES.items()
            if all(target.split(":")[0] in HOST_MODULES
                   for target in methods.values())}


def make_app(conf, databases, messaging, image_api=None):
    own = routes.resolve(host_routes())
    with mock.patch.object(routes, "resolve", lambda *args: own):
        return compute_app.ComputeApp(conf, databases, messaging,
                                      image_api=image_api)


def client(app, token=cloud.ADMIN, version="2.1"):
    return cloud.StackClient(app, token=token, version=version)


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
        # Three fake nodes a host, the layout these tests were written
        # for (a test may set another before it starts a compute).
        conf.set_override("nodes", 3, group="fake_driver")
        self.databases = databases
        self.messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
        self.services = [stratus_service.Service(
            conf, self.messaging, "nova-conductor", "conductor", "control",
            conductor_manager.ConductorManager(
                conf, self.messaging, databases,
                image_api=image_app.image_api(conf, databases)),
            databases=databases).start()]
        self.computes = {}
        self._app = None

    @property
    def app(self):
        if self._app is None:
            self._app = make_app(self.conf, self.databases, self.messaging,
                                 image_app.image_api(
                                     self.conf, self.databases))
        return self._app

    def start_compute(self, host):
        """A running compute service on host; its ComputeManager."""
        manager = compute_manager.ComputeManager(
            self.conf, self.messaging, host,
            virt_loader.load_driver(self.conf, host))
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
        # Each RPC server takes up to a second to let its idle workers go:
        # stop them side by side.
        with concurrent.futures.ThreadPoolExecutor(len(self.services)) as pool:
            list(pool.map(lambda service: service.stop(), self.services))
        self.messaging.cleanup()

    # Instances ------------------------------------------------------

    def create_instance(self, host, node, name="vm", **values):
        """An instance in cell1 as the API and the conductor create it for
        a build: mapped, with a create action of this context's request."""
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
        instance_mapping_obj.InstanceMapping(
            self.ctx, instance_uuid=defaults["uuid"], project_id="demo",
            user_id="demo", cell_uuid=self.cell_uuid).create()
        with self.ctx.target_cell(self.cell_uuid) as cctx:
            instance = instance_obj.Instance(cctx, **defaults)
            instance.create()
            instance_action_obj.InstanceAction.action_start(
                cctx, instance.uuid, "create")
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

    def events(self, instance_uuid):
        """(event, result) of the instance's actions, oldest first."""
        with self.ctx.target_cell(self.cell_uuid) as cctx:
            actions = instance_action_obj.InstanceActionList \
                .get_by_instance_uuid(cctx, instance_uuid)
            return [(event.event, event.result, event.traceback)
                    for action in reversed(actions)
                    for event in reversed(
                        instance_action_obj.InstanceActionEventList
                        .get_by_action(cctx, action.id))]

    def wait_for_events(self, instance_uuid, finished, timeout=10):
        """The instance's events once `finished` of them have a result."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.events(instance_uuid)
            if sum(1 for event in events if event[1]) >= finished:
                return events
            if time.monotonic() > deadline:
                raise AssertionError(events)
            time.sleep(0.01)

    def selection(self, host, node):
        """What the scheduler picks for a small server on host's node,
        with the allocation request a reschedule claims."""
        node_uuid = compute_node_obj.ComputeNode.get_by_host_and_nodename(
            self.ctx, host, node).uuid
        flavor = small_flavor()
        return selection_obj.Selection(
            service_host=host, nodename=node, compute_node_uuid=node_uuid,
            cell_uuid=self.cell_uuid, availability_zone="nova",
            allocation_request=allocations.to_allocation_request(
                {node_uuid: {"VCPU": flavor.vcpus,
                             "MEMORY_MB": flavor.memory_mb,
                             "DISK_GB": flavor.root_gb}}))

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
