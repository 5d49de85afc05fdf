"""Conductor, scheduler and computes as real Services over the in-process
``fake://`` transport, on real databases; servers are put in front of the
conductor the way the API does (mapping, build request, request spec)."""
import concurrent.futures
import time
import uuid

import pytest

from stratus.compute import manager as compute_manager
from stratus.conductor import manager as conductor_manager
from stratus.conductor import rpcapi as conductor_rpcapi
from stratus import conf as stratus_conf
from stratus import context
from stratus.db import setup as db_setup
from stratus.objects import build_request as build_request_obj
from stratus.objects import fields
from stratus.objects import flavor as flavor_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.objects import request_spec as request_spec_obj
from stratus import rpc
from stratus.scheduler import manager as scheduler_manager
from stratus import service
from stratus.virt import loader as virt_loader


class Backend:
    """The running services, and helpers to boot and watch servers."""

    def __init__(self, conf, databases, cell1_url):
        self.conf = conf
        self.databases = databases
        self.cell1_url = cell1_url
        self.messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
        self.conductor = conductor_rpcapi.ConductorAPI(self.messaging)
        self.ctx = context.RequestContext(
            user_id="user", project_id="project", is_admin=True,
            roles=["admin"], databases=databases)
        self.services = []

    def start_control_plane(self):
        for binary, topic, manager_class in (
                ("nova-conductor", "conductor",
                 conductor_manager.ConductorManager),
                ("nova-scheduler", "scheduler",
                 scheduler_manager.SchedulerManager)):
            self.services.append(service.Service(
                self.conf, self.messaging, binary, topic, "control",
                manager_class(self.conf, self.messaging, self.databases),
                databases=self.databases).start())

    def start_compute(self, host, **fake_driver):
        conf = compute_conf(self.cell1_url, **fake_driver)
        manager = compute_manager.ComputeManager(
            conf, self.messaging, host, virt_loader.load_driver(conf, host))
        compute = service.Service(conf, self.messaging, "nova-compute",
                                  "compute", host, manager).start()
        self.services.append(compute)
        return compute

    def stop(self):
        # Each RPC server takes up to a second to wind down, so they stop
        # in parallel: computes first, while the conductor still answers.
        computes = [svc for svc in self.services
                    if svc.binary == "nova-compute"]
        for group in (computes, [svc for svc in self.services
                                 if svc not in computes]):
            if group:
                with concurrent.futures.ThreadPoolExecutor(len(group)) as pool:
                    list(pool.map(lambda svc: svc.stop(), group))
        self.messaging.cleanup()

    def boot(self, name="vm", count=1, vcpus=1, memory_mb=512, root_gb=1,
             **spec_fields):
        """Accept count servers as the API does and cast the build; their
        uuids."""
        flavor = flavor_obj.Flavor(
            id=1, flavorid="1", name="small", vcpus=vcpus,
            memory_mb=memory_mb, root_gb=root_gb, ephemeral_gb=0, swap=0,
            extra_specs={}, projects=[], is_public=True, disabled=False,
            rxtx_factor=1.0, vcpu_weight=None, description=None)
        build_requests, specs = [], []
        for index in range(count):
            instance_uuid = str(uuid.uuid4())
            instance = instance_obj.Instance(
                uuid=instance_uuid, user_id="user", project_id="project",
                display_name=name, hostname=name, launch_index=index,
                vm_state=fields.VMState.BUILDING,
                task_state=fields.TaskState.SCHEDULING, power_state=0,
                vcpus=vcpus, memory_mb=memory_mb, root_gb=root_gb,
                ephemeral_gb=0, flavor=flavor, metadata={},
                system_metadata={"network_allocation": "none"},
                image_ref="", availability_zone=None)
            instance_mapping_obj.InstanceMapping(
                self.ctx, instance_uuid=instance_uuid,
                project_id="project", user_id="user").create()
            build_request = build_request_obj.BuildRequest(
                self.ctx, instance_uuid=instance_uuid, project_id="project",
                instance=instance)
            build_request.create()
            spec = request_spec_obj.RequestSpec(
                self.ctx, instance_uuid=instance_uuid, project_id="project",
                user_id="user", flavor=flavor, image=None,
                num_instances=count, **spec_fields)
            spec.create()
            build_requests.append(build_request)
            specs.append(spec)
        self.conductor.schedule_and_build_instances(
            self.ctx, build_requests, specs, None, [])
        return [br.instance_uuid for br in build_requests]

    def mapping(self, instance_uuid):
        return instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
            self.ctx, instance_uuid)

    def instance(self, instance_uuid, cell_uuid=None, **kwargs):
        cell_uuid = cell_uuid or self.mapping(instance_uuid).cell_uuid
        with self.ctx.target_cell(cell_uuid) as cctx:
            return instance_obj.Instance.get_by_uuid(cctx, instance_uuid,
                                                     **kwargs)

    def wait_for(self, instance_uuid, vm_state, timeout=10):
        """The instance, once it is in vm_state with no task."""
        return self._wait(instance_uuid, {vm_state}, timeout)

    def wait_for_any(self, instance_uuid, vm_states, timeout=20):
        """The first of vm_states the instance settles in."""
        return self._wait(instance_uuid, vm_states, timeout).vm_state

    def _wait(self, instance_uuid, vm_states, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.mapping(instance_uuid).cell_uuid is not None:
                instance = self.instance(instance_uuid, read_deleted=True)
                if (instance.vm_state in vm_states
                        and instance.task_state is None):
                    return instance
            if time.monotonic() > deadline:
                raise AssertionError("%s never reached %s" % (instance_uuid,
                                                              vm_states))
            time.sleep(0.01)


def compute_conf(cell1_url, **fake_driver):
    conf = stratus_conf.build_conf()
    conf.set_override("connection", cell1_url, group="database")
    conf.set_override("reserved_host_memory_mb", 0)
    # As the control plane's (tests/conftest.py): the fake driver's
    # invented addresses, no network service.
    conf.set_override("provider", "simulated", group="network")
    fake_driver.setdefault("nodes", 1)
    for name, value in fake_driver.items():
        conf.set_override(name, value, group="fake_driver")
    return conf


@pytest.fixture
def backend(conf, databases, cloud_urls):
    conf.set_override("connection", cloud_urls["cell1"], group="database")
    running = Backend(conf, databases, cloud_urls["cell1"])
    running.start_control_plane()
    yield running
    running.stop()


CELL0 = db_setup.CELL0_UUID
