"""What every feature of the compute API shares: the clients it holds,
the lookups of a server, its flavor, image, keypair and host, and
``_begin``, the one start of a server action (lock, state, task state,
instance action; see stratus/compute/states.py).
"""
import functools
import logging
import secrets

from stratus.compute import rpcapi as compute_rpcapi
from stratus.compute import states
from stratus.compute_api import fail_fast
from stratus.conductor import rpcapi as conductor_rpcapi
from stratus import exception
from stratus import notifications
from stratus.objects import aggregate as aggregate_obj
from stratus.objects import build_request as build_request_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import flavor as flavor_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action as action_obj
from stratus.objects import instance_mapping as mapping_obj
from stratus.objects import keypair as keypair_obj
from stratus.objects import service as service_obj
from stratus import quota
from stratus.scheduler import outage
from stratus import constants

LOG = logging.getLogger(__name__)


# Image properties Nova does not copy onto the server, and attributes of
# Glance's own that ImageMeta leaves among the properties.
_SKIPPED_IMAGE_PROPERTIES = {
    "cache_in_nova", "bittorrent", "img_signature_hash_method",
    "img_signature", "img_signature_key_type",
    "img_signature_certificate_uuid", "os_hidden", "stores"}

# Image attributes of Glance's own, kept among a server's image
# properties and given back to the images made of it.
_GLANCE_IMAGE_KEYS = ("min_ram", "min_disk", "disk_format",
                      "container_format")

_PASSWORD_SYMBOLS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

GiB = 1024 ** 3


def generate_password(length=12):
    # One read of the OS's randomness per password (a read per character
    # gives up the GIL once per character). Bytes at or above the largest
    # multiple of the alphabet's size are skipped, so every symbol is
    # equally likely.
    size = len(_PASSWORD_SYMBOLS)
    limit = 256 - 256 % size
    chosen = []
    while len(chosen) < length:
        chosen.extend(_PASSWORD_SYMBOLS[byte % size]
                      for byte in secrets.token_bytes(2 * length)
                      if byte < limit)
    return "".join(chosen[:length])


def check_lock(ctx, instance):
    if instance.locked and not ctx.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance.uuid)


def image_properties(image, image_meta, flavor):
    """The image properties a server keeps (Nova's image_* system
    metadata), shown at 2.98."""
    properties = {key: None if value is None else value[:255]
                  for key, value in image_meta.properties.items()
                  if key not in _SKIPPED_IMAGE_PROPERTIES}
    for key in _GLANCE_IMAGE_KEYS:
        value = image.get(key)
        if key == "min_disk":
            value = max(int(value or 0), flavor.root_gb)
        if value is not None:
            properties[key] = str(value)
    properties["base_image_ref"] = image_meta.id
    return properties


def _snapshot_fields(instance, name, properties):
    """The new image of a snapshot or backup: the server's image
    properties (Nova's image_* system metadata), its instance_uuid and
    user_id, and the request's properties."""
    fields_ = {"name": name, "visibility": "private"}
    inherited = dict(instance.get("image_properties") or {})
    for key in _GLANCE_IMAGE_KEYS:
        value = inherited.pop(key, None)
        if value is not None:
            fields_[key] = int(value) if key.startswith("min_") else value
    fields_.update({key: value for key, value in inherited.items()
                    if value is not None})
    fields_.update(instance_uuid=instance.uuid, user_id=instance.user_id,
                   **properties)
    return fields_


def visible_mapping(ctx, instance_uuid, not_found):
    """The server's InstanceMapping, when the caller may see its project;
    else raises not_found() (the caller's 404 or 400)."""
    try:
        mapping = mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, instance_uuid)
    except exception.InstanceMappingNotFound:
        raise not_found()
    if not ctx.can_see_project(mapping.project_id):
        raise not_found()
    return mapping


class APIBase:
    """The shared part of the compute API: each feature module adds a
    mix-in of this class, and stratus/compute_api/api.py composes them."""

    def __init__(self, conf, messaging, image_api, network_api=None,
                 volume_api_factory=None):
        """network_api: the Neutron client, when servers' ports are the
        network service's ([network] provider neutron);
        volume_api_factory: makes the Cinder client (volume_api) when
        first used."""
        self.conf = conf
        self.image_api = image_api
        self.network_api = network_api
        self._volume_api_factory = volume_api_factory
        self.quotas = quota.Quotas(conf)
        self.conductor_api = conductor_rpcapi.ConductorAPI(messaging)
        self.compute_rpcapi = compute_rpcapi.ComputeAPI(messaging)
        self.notifier = notifications.Notifier(conf, messaging, "nova-api",
                                               conf.host)

    @functools.cached_property
    def volume_api(self):
        """The Cinder client (stratus.volume.cinder.CinderAPI)."""
        if self._volume_api_factory is None:
            from stratus.volume import cinder
            return cinder.CinderAPI.from_conf(self.conf)
        return self._volume_api_factory()

    def get(self, ctx, instance_uuid, expected_attrs=None,
            read_deleted=False):
        """The server, from its cell or its build request; InstanceNotFound
        when it does not exist or belongs to another project (non-admins);
        CellDown (503, carrying the mapping) when its cell's database
        cannot be reached.
        """
        mapping = visible_mapping(
            ctx, instance_uuid,
            lambda: exception.InstanceNotFound(instance_id=instance_uuid))
        if mapping.cell_uuid is None:
            try:
                return build_request_obj.BuildRequest.get_by_instance_uuid(
                    ctx, instance_uuid).instance
            except exception.BuildRequestNotFound:
                # Either deleted, or the conductor has just placed it in a
                # cell: the mapping tells which.
                mapping = mapping_obj.InstanceMapping.get_by_instance_uuid(
                    ctx, instance_uuid)
                if mapping.cell_uuid is None:
                    raise exception.InstanceNotFound(instance_id=instance_uuid)
        for attempt in range(2):
            try:
                with ctx.target_cell(mapping.cell_uuid) as cctx:
                    return instance_obj.Instance.get_by_uuid(
                        cctx, instance_uuid, expected_attrs=expected_attrs,
                        read_deleted=read_deleted)
            except exception.InstanceNotFound:
                # A cross-cell move may have switched cells (and removed
                # the copy the mapping read first named) in between.
                if attempt:
                    raise
                moved = self._mapped_elsewhere(ctx, mapping)
                if moved is None:
                    raise
                mapping = moved
            except exception.DatabaseUnreachable:
                raise exception.CellDown(cell_uuid=mapping.cell_uuid,
                                         instance_uuid=instance_uuid,
                                         mapping=mapping)

    @staticmethod
    def _mapped_elsewhere(ctx, mapping):
        """The server's mapping when it now names another cell, else
        None."""
        try:
            moved = mapping_obj.InstanceMapping.get_by_instance_uuid(
                ctx, mapping.instance_uuid)
        except exception.InstanceMappingNotFound:
            return None
        if moved.cell_uuid in (None, mapping.cell_uuid):
            return None
        return moved

    @staticmethod
    def _flavor(ctx, flavor_id):
        flavor = flavor_obj.Flavor.get_by_flavor_id(ctx, flavor_id)
        if flavor.disabled:
            raise exception.FlavorNotFound(flavor_id=flavor_id)
        return flavor

    def _image(self, ctx, image_id, flavor, allow_zero_disk, image=None):
        """The image document (image: already read); Nova's checks
        against the flavor."""
        if image is None:
            image = self.image_api.get(ctx, image_id)
        if image.get("status") != "active":
            raise exception.ImageNotActive(image_id=image_id)
        if flavor.memory_mb < int(image.get("min_ram") or 0):
            raise exception.FlavorMemoryTooSmall()
        flavor_size = flavor.root_gb * GiB
        if flavor_size == 0:
            if not allow_zero_disk:
                raise exception.BootFromVolumeRequiredForZeroDiskFlavor()
            return image
        image_size = int(image.get("size") or 0)
        if image_size > flavor_size:
            raise exception.FlavorDiskSmallerThanImage(
                flavor_size=flavor_size, image_size=image_size)
        min_disk = int(image.get("min_disk") or 0) * GiB
        if min_disk > flavor_size:
            raise exception.FlavorDiskSmallerThanMinDisk(
                flavor_size=flavor_size, image_min_disk=min_disk)
        return image

    @staticmethod
    def _keypair(ctx, key_name):
        if key_name is None:
            return None
        return keypair_obj.KeyPair.get_by_name(ctx, ctx.user_id, key_name)

    def available_zones(self, ctx):
        """Zones that have an enabled compute service."""
        by_host = aggregate_obj.AggregateList.get_all(
            ctx).availability_zones_by_host()
        return {by_host.get(service.host, self.conf.default_availability_zone)
                for service in service_obj.ServiceList.get_all(
                    ctx.elevated(), binary=constants.COMPUTE_BINARY,
                    disabled=False)}

    @staticmethod
    def _check_destination(ctx, host, node):
        """ComputeHostNotFound unless the requested host / node exist."""
        ctx = ctx.elevated()
        if host and node:
            try:
                compute_node_obj.ComputeNode.get_by_host_and_nodename(
                    ctx, host, node)
            except exception.ComputeNodeNotFound:
                raise exception.ComputeHostNotFound(host=host)
        elif host:
            try:
                host_mapping_obj.HostMapping.get_by_host(ctx, host)
            except exception.HostMappingNotFound:
                raise exception.ComputeHostNotFound(host=host)
        elif not any(compute.hypervisor_hostname == node for compute in
                     compute_node_obj.ComputeNodeList.get_all(ctx)):
            raise exception.ComputeHostNotFound(host=node)

    @staticmethod
    def service_of_host(ctx, host):
        """The compute service of host; ServiceNotFound when it has
        none."""
        return service_obj.Service.get_by_host_and_binary(
            ctx.elevated(), host, constants.COMPUTE_BINARY)

    def _host_is_up(self, ctx, instance):
        return self._service_is_up(ctx, instance.host, instance.cell_uuid)

    def _service_is_up(self, ctx, host, cell_uuid):
        """Up, or looking down only because every compute went quiet at
        once (a broker outage, scheduler/outage.py): its messages wait
        for it rather than being done here without it."""
        try:
            service = service_obj.Service.get_by_host_and_binary(
                ctx.elevated(), host, constants.COMPUTE_BINARY,
                cell_uuid=cell_uuid)
        except exception.ServiceNotFound:
            return False
        if service.is_up(self.conf.service_down_time):
            return True
        return not service.forced_down and outage.computes_went_quiet(
            ctx.elevated(), self.conf)

    @staticmethod
    def _in_cell(instance, action):
        if instance.get("cell_uuid") is None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid, attr="vm_state",
                state=instance.vm_state)

    def _begin(self, ctx, instance, action, name=None, **changes):
        """Check and start an action; the saved instance.

        Which states allow each action, the task it sets and where it
        ends are in stratus/compute/states.py. It checks the lock and the
        state, sets the task_state atomically (a concurrent action loses
        with 409) and records the instance action under the request id;
        the caller then casts to the server's compute, which saves the
        end state."""
        rule = states.transition(action)
        name = name or action
        if rule.locked_check:
            check_lock(ctx, instance)
        states.check(instance, action, name)
        self._in_cell(instance, name)
        if rule.needs_host and not instance.host:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        if rule.rpc_version is not None:
            self.compute_rpcapi.check_can_send_actions(rule.rpc_version)
        expected = instance.task_state
        before = fail_fast.Begun(instance, expected, changes)
        if rule.task_state is not None:
            instance.task_state = rule.task_state
        instance.update(changes)
        if instance.obj_what_changed():
            instance.save(expected_task_state=[expected])
        recorded = rule.recorded_action
        if recorded:
            with ctx.target_cell(instance.cell_uuid) as cctx:
                action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                       recorded)
        before.remember(instance, recorded)
        return instance

    def _begin_with_image(self, ctx, instance, action, name, properties,
                          **changes):
        """Start an action that fills a new image of the server (queued
        until its compute uploads the disk); the image, deleted again
        when the action cannot start."""
        if states.transition(action).locked_check:
            check_lock(ctx, instance)
        states.check(instance, action)
        image = self.image_api.create(
            ctx, **_snapshot_fields(instance, name, properties))
        try:
            self._begin(ctx, instance, action, **changes)
        except Exception:
            self.image_api.delete(ctx, image["id"])
            raise
        return image


# The new image's fields of a snapshot (createImage of a volume-backed
# server too: stratus/compute_api/volume_backed.py).
snapshot_fields = _snapshot_fields
