"""The compute API business layer: what the servers API asks of the cloud.

It checks requests against flavors, images, keypairs, zones and quotas,
writes what the API database must know of a new server (mapping, build
request, request spec) and hands the build to the conductor; it finds
servers wherever they are (a build request, or an instance in any cell)
and changes or deletes them. It never talks to a hypervisor: work on a
host goes through the conductor and compute RPC APIs.
"""
import heapq
import json
import logging
import re
import secrets
import uuid as uuid_lib

import sqlalchemy as sa

from stratus.compute_api import block_device
from stratus.compute_api import fail_fast
from stratus.compute_api import idempotency
from stratus.compute import rpcapi as compute_rpcapi
from stratus.compute import states
from stratus.console import tokens as console_tokens
from stratus.conductor import rpcapi as conductor_rpcapi
from stratus.db import api_models
from stratus.db import types as db_types
from stratus import exception
from stratus import notifications
from stratus.objects import aggregate as aggregate_obj
from stratus.objects import base as objects_base
from stratus.objects import build_request as build_request_obj
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import fields
from stratus.objects import flavor as flavor_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import image_meta as image_meta_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_action as action_obj
from stratus.objects import instance_group as instance_group_obj
from stratus.objects import instance_mapping as mapping_obj
from stratus.objects import keypair as keypair_obj
from stratus.objects import migration as migration_obj
from stratus.objects import request_spec as request_spec_obj
from stratus.objects import service as service_obj
from stratus.objects import tag as tag_obj
from stratus.placement import allocations
from stratus import quota
from stratus.scheduler import outage

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = "nova-compute"
# An argument not given (unshelve's availability_zone may be given as null).
UNSET = object()

# Nova's host_status values (2.16).
HOST_UP = "UP"
HOST_DOWN = "DOWN"
HOST_MAINTENANCE = "MAINTENANCE"
HOST_UNKNOWN = "UNKNOWN"
HOST_NONE = ""

# vm_states in which a server's metadata and tags may change.
_CHANGEABLE_VM_STATES = (fields.VMState.ACTIVE, fields.VMState.PAUSED,
                         fields.VMState.SUSPENDED, fields.VMState.STOPPED)

# Image properties Nova does not copy onto the server, and attributes of
# Glance's own that ImageMeta leaves among the properties.
_SKIPPED_IMAGE_PROPERTIES = {
    "cache_in_nova", "bittorrent", "img_signature_hash_method",
    "img_signature", "img_signature_key_type",
    "img_signature_certificate_uuid", "os_hidden", "stores"}
_INHERITED_IMAGE_KEYS = ("min_ram", "min_disk", "disk_format",
                         "container_format")

_PASSWORD_SYMBOLS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_GiB = 1024 ** 3


class BootFromVolumeRequiredForZeroDiskFlavor(exception.NotAuthorized):
    msg_fmt = ("Only volume-backed servers are allowed for flavors with "
               "zero disk.")


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


def sanitize_hostname(name):
    """Nova's hostname from a display name: Latin-1 only, at most 63
    characters, spaces, dots and underscores as dashes, lower case."""
    hostname = name.encode("latin-1", "ignore").decode("latin-1")[:63]
    hostname = re.sub(r"[ _.]", "-", hostname)
    hostname = re.sub(r"[^\w.-]+", "", hostname)
    return hostname.lower().strip(".-")


def parse_availability_zone(conf, availability_zone):
    """(zone, forced host, forced node) from Nova's legacy
    'zone:host:node' / 'zone::node' / 'zone:host' syntax."""
    host = node = None
    if availability_zone and ":" in availability_zone:
        parts = availability_zone.count(":")
        if parts == 1:
            availability_zone, host = availability_zone.split(":")
        elif parts == 2 and "::" in availability_zone:
            availability_zone, node = availability_zone.split("::")
        elif parts == 2:
            availability_zone, host, node = availability_zone.split(":")
        else:
            raise exception.InvalidInput(
                reason="Unable to parse availability_zone")
    return (availability_zone or conf.default_schedule_zone, host or None,
            node or None)


# Built once: every GET of a server reads its groups.
_GROUP = api_models.InstanceGroup.__table__
_MEMBER = api_models.InstanceGroupMember.__table__
_GROUPS_OF_SERVER = sa.select(_GROUP.c.uuid).join(
    _MEMBER, _MEMBER.c.group_id == _GROUP.c.id).where(
    _MEMBER.c.instance_uuid == sa.bindparam("instance_uuid"))


class API:
    def __init__(self, conf, messaging, image_api):
        self.conf = conf
        self.image_api = image_api
        self.quotas = quota.Quotas(conf)
        self.conductor_api = conductor_rpcapi.ConductorAPI(messaging)
        self.compute_rpcapi = compute_rpcapi.ComputeAPI(messaging)
        self.notifier = notifications.Notifier(conf, messaging, "nova-api",
                                               conf.host)

    # Create -----------------------------------------------------------------

    def create(self, ctx, name, flavor_id, image_id, min_count=1,
               max_count=1, key_name=None, metadata=None, user_data=None,
               availability_zone=None, forced_host=None, forced_node=None,
               requested_host=None, requested_hypervisor_hostname=None,
               networks=None, security_groups=None, description=None,
               hostname=None, scheduler_hints=None, tags=None,
               injected_files=None, admin_password=None, access_ip_v4=None,
               access_ip_v6=None, config_drive=False, auto_disk_config=None,
               allow_zero_disk=False, block_device_mappings=None,
               trusted_certs=None, idempotency_key=None):
        """Accept one to max_count servers; (instances, reservation id).

        networks: 'auto', 'none' or a list of {uuid, port, fixed_ip, tag}.
        injected_files: [(path, base64 contents)], passed on to the host.
        block_device_mappings: block_device_mapping_v2 items as given.
        trusted_certs: certificate ids (2.63); see trusted_cert_ids.
        idempotency_key: see compute_api/idempotency.py (an IntegrityError
        when a twin request with the key was stored first).
        The servers show in BUILD at once; the conductor places them.
        """
        metadata = metadata or {}
        flavor = self._flavor(ctx, flavor_id)
        bdms = block_device.from_api(block_device_mappings, image_id, flavor,
                                     self.conf.max_local_block_devices)
        image_id = block_device.root_image_id(bdms)
        image = self._image(ctx, image_id, flavor, allow_zero_disk)
        keypair = self._keypair(ctx, key_name)
        if availability_zone and not forced_host:
            self._check_availability_zone(ctx, availability_zone)
        if requested_host or requested_hypervisor_hostname:
            self._check_destination(ctx, requested_host,
                                    requested_hypervisor_hostname)
        requested_networks = _requested_networks(networks, max_count)
        group = self._server_group(ctx, scheduler_hints)
        # The limits, read once for the checks before the writes and the
        # recheck after them (which is about concurrent usage, not limits).
        limit_sets = self.quotas.limit_sets(ctx, ctx.project_id, ctx.user_id)
        self.quotas.check_metadata_items(ctx, ctx.project_id, len(metadata),
                                         limit_sets=limit_sets)
        self._check_injected_files(ctx, injected_files or [],
                                   limits=limit_sets[0])
        count = self.quotas.check_instances(
            ctx, ctx.project_id, ctx.user_id, min_count, max_count,
            flavor.vcpus, flavor.memory_mb, limit_sets=limit_sets)
        if group is not None:
            self._check_group_members(ctx, group, count,
                                      limits=limit_sets[0])
        reservation_id = "r-" + secrets.token_hex(4)
        image_meta = image_meta_obj.ImageMeta.from_image_dict(image)
        if auto_disk_config is None:
            auto_disk_config = str(image_meta.properties.get(
                "auto_disk_config")).lower() in ("true", "1", "yes", "on")
        common = dict(
            user_id=ctx.user_id, project_id=ctx.project_id,
            image_ref=image_id,
            kernel_id=image_meta.properties.get("kernel_id"),
            ramdisk_id=image_meta.properties.get("ramdisk_id"),
            os_type=image_meta.properties.get("os_type"),
            architecture=image_meta.properties.get("architecture"),
            key_name=key_name,
            key_data=keypair.public_key if keypair else None,
            power_state=fields.PowerState.NOSTATE,
            vm_state=fields.VMState.BUILDING,
            task_state=fields.TaskState.SCHEDULING,
            memory_mb=flavor.memory_mb, vcpus=flavor.vcpus,
            root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
            instance_type_id=flavor.id, flavor=flavor, user_data=user_data,
            reservation_id=reservation_id,
            availability_zone=availability_zone,
            display_description=description, locked=False, locked_by=None,
            locked_reason=None, config_drive="True" if config_drive else "",
            access_ip_v4=access_ip_v4, access_ip_v6=access_ip_v6,
            auto_disk_config=auto_disk_config, progress=0,
            shutdown_terminate=False, disable_terminate=False, hidden=False,
            host=None, node=None, launched_at=None, terminated_at=None,
            launched_on=None, root_device_name=None, deleted=False,
            cell_uuid=None,
            system_metadata={}, fault=None, info_cache=None,
            image_properties=_image_properties(image, image_meta, flavor),
            tags=list(tags or []),
            trusted_certs=trusted_cert_ids(self.conf, trusted_certs),
            keypairs=keypair_obj.KeyPairList(
                objects=[keypair] if keypair else []))
        spec_common = dict(
            project_id=ctx.project_id, user_id=ctx.user_id, flavor=flavor,
            image=image_meta, num_instances=count,
            availability_zone=availability_zone,
            scheduler_hints=_normalized_hints(scheduler_hints),
            requested_host=requested_host or forced_host,
            requested_hypervisor_hostname=(requested_hypervisor_hostname
                                           or forced_node),
            instance_group_uuid=group.uuid if group is not None else None,
            ignore_hosts=[], is_bfv=False,
            requested_networks=requested_networks,
            security_groups=security_groups or ["default"])
        instances, build_requests, specs, mappings = [], [], [], []
        for index in range(count):
            instance_uuid = str(uuid_lib.uuid4())
            instance = instance_obj.Instance(
                uuid=instance_uuid, launch_index=index,
                display_name=name if count == 1 else "%s-%d" % (name,
                                                                 index + 1),
                hostname=hostname or _default_hostname(name, instance_uuid,
                                                       count, index),
                metadata=dict(metadata), **common)
            instances.append(instance)
            build_requests.append(build_request_obj.BuildRequest(
                instance_uuid=instance_uuid, project_id=ctx.project_id,
                instance=instance, tags=list(tags or []),
                block_device_mappings=block_device.for_instance(
                    bdms, instance_uuid)))
            specs.append(request_spec_obj.RequestSpec(
                instance_uuid=instance_uuid, **spec_common))
            mappings.append(mapping_obj.InstanceMapping(
                instance_uuid=instance_uuid, project_id=ctx.project_id,
                user_id=ctx.user_id, cell_uuid=None,
                queued_for_delete=False))
        with ctx.api_db.writer() as session:
            if idempotency_key:
                idempotency.record(session, ctx, idempotency_key,
                                   instances[0].uuid, reservation_id)
            for record in specs + build_requests + mappings:
                record.create(ctx, session=session)
            if group is not None:
                instance_group_obj.InstanceGroup.add_members(
                    session, group.id, [i.uuid for i in instances])
        if self.conf.quota.recheck_quota:
            try:
                self.quotas.check_deltas(
                    ctx, ctx.project_id, ctx.user_id,
                    {"instances": count, "cores": count * flavor.vcpus,
                     "ram": count * flavor.memory_mb}, already_counted=True,
                    limit_sets=limit_sets)
                if group is not None:
                    self._check_group_members(ctx, group, 0,
                                              limits=limit_sets[0])
            except exception.OverQuota:
                self._forget(ctx, [i.uuid for i in instances])
                raise
        try:
            self.conductor_api.schedule_and_build_instances(
                ctx, build_requests=build_requests, request_specs=specs,
                admin_password=admin_password,
                injected_files=[list(item) for item in injected_files or []])
        except exception.BrokerUnavailable:
            if fail_fast.withdraw_builds(ctx, [i.uuid for i in instances]):
                raise
        return instances, reservation_id

    @staticmethod
    def _forget(ctx, instance_uuids):
        """Take back the API DB records of servers not accepted after all."""
        with ctx.api_db.writer() as session:
            for model in (api_models.BuildRequest, api_models.RequestSpec,
                          api_models.InstanceMapping,
                          api_models.InstanceGroupMember,
                          api_models.CreateIdempotencyKey):
                session.execute(sa.delete(model).where(
                    model.instance_uuid.in_(instance_uuids)))

    @staticmethod
    def _server_group(ctx, scheduler_hints):
        """The group the 'group' hint names (one of the caller's project,
        unless an admin asks); None without the hint."""
        group_uuid = (scheduler_hints or {}).get("group")
        if not group_uuid:
            return None
        return instance_group_obj.InstanceGroup.get_by_uuid(
            ctx, group_uuid,
            project_id=None if ctx.is_admin else ctx.project_id)

    def _check_group_members(self, ctx, group, count, limits=None):
        """Nova's server_group_members quota: a user's servers in one
        group (count more of them; 0 to recheck those already added)."""
        limits = limits or self.quotas.limits(ctx, ctx.project_id)
        limit = limits["server_group_members"]
        if limit < 0:
            return
        members = instance_group_obj.InstanceGroup.count_members_by_user(
            ctx, group.id, ctx.user_id)
        if members + count > limit:
            raise exception.OverQuota(
                "Quota exceeded, too many servers in group")

    @staticmethod
    def _flavor(ctx, flavor_id):
        flavor = flavor_obj.Flavor.get_by_flavor_id(ctx, flavor_id)
        if flavor.disabled:
            raise exception.FlavorNotFound(flavor_id=flavor_id)
        return flavor

    def _image(self, ctx, image_id, flavor, allow_zero_disk):
        """The image document; Nova's checks against the flavor."""
        image = self.image_api.get(ctx, image_id)
        if image.get("status") != "active":
            raise exception.ImageNotActive(image_id=image_id)
        if flavor.memory_mb < int(image.get("min_ram") or 0):
            raise exception.FlavorMemoryTooSmall()
        flavor_size = flavor.root_gb * _GiB
        if flavor_size == 0:
            if not allow_zero_disk:
                raise BootFromVolumeRequiredForZeroDiskFlavor()
            return image
        image_size = int(image.get("size") or 0)
        if image_size > flavor_size:
            raise exception.FlavorDiskSmallerThanImage(
                flavor_size=flavor_size, image_size=image_size)
        min_disk = int(image.get("min_disk") or 0) * _GiB
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
                    ctx.elevated(), binary=COMPUTE_BINARY, disabled=False)}

    def _check_availability_zone(self, ctx, availability_zone):
        if availability_zone not in self.available_zones(ctx):
            raise exception.AvailabilityZoneNotFound()

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

    def _check_injected_files(self, ctx, injected_files, limits=None):
        if not injected_files:
            return
        limits = limits or self.quotas.limits(ctx, ctx.project_id)
        allowed = limits["injected_files"]
        if 0 <= allowed < len(injected_files):
            raise exception.OnsetFileLimitExceeded()
        max_path = limits["injected_file_path_bytes"]
        max_content = limits["injected_file_content_bytes"]
        for path, contents in injected_files:
            if 0 <= max_path < len(path.encode("utf-8")):
                raise exception.OnsetFilePathLimitExceeded(allowed=max_path)
            # base64: 4 characters for every 3 bytes
            if 0 <= max_content < len(contents) * 3 // 4:
                raise exception.OnsetFileContentLimitExceeded(
                    allowed=max_content)

    # Lookups -------------------------------------------------------------------

    def get(self, ctx, instance_uuid, expected_attrs=None,
            read_deleted=False):
        """The server, from its cell or its build request; InstanceNotFound
        when it does not exist or belongs to another project (non-admins);
        CellDown (503, carrying the mapping) when its cell's database
        cannot be reached.
        """
        try:
            mapping = mapping_obj.InstanceMapping.get_by_instance_uuid(
                ctx, instance_uuid)
        except exception.InstanceMappingNotFound:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        if not ctx.can_see_project(mapping.project_id):
            raise exception.InstanceNotFound(instance_id=instance_uuid)
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
        try:
            with ctx.target_cell(mapping.cell_uuid) as cctx:
                return instance_obj.Instance.get_by_uuid(
                    cctx, instance_uuid, expected_attrs=expected_attrs,
                    read_deleted=read_deleted)
        except exception.DatabaseUnreachable:
            raise exception.CellDown(cell_uuid=mapping.cell_uuid,
                                     instance_uuid=instance_uuid,
                                     mapping=mapping)

    def get_all(self, ctx, filters, sort_keys=None, sort_dirs=None,
                limit=None, marker=None, expected_attrs=None,
                down_cells=None):
        """Servers matching filters: build requests first, then the
        instances of every cell merged in sort order; at most limit,
        starting after the server marker (MarkerNotFound if unknown).
        Cells whose database cannot be reached are skipped; their uuids
        are added to down_cells when it is given (see down_cell_servers).

        filters use the API's names (name, image, flavor, tenant_id, ...)
        besides Nova's DB filter names.
        """
        filters = self._db_filters(ctx, filters)
        if filters is None:
            return []
        sort_keys, sort_dirs = instance_obj.normalize_sort(sort_keys,
                                                           sort_dirs)
        after = None
        try:
            build_requests = build_request_obj.BuildRequestList.get_by_filters(
                ctx, filters, limit=limit, marker=marker,
                sort_keys=sort_keys, sort_dirs=sort_dirs)
        except exception.MarkerNotFound:
            build_requests = []
            after = self._marker(ctx, marker)
        found = [br.instance for br in build_requests]
        if limit is not None:
            limit -= len(found)
            if limit <= 0:
                return found
        wanted = limit
        per_cell = []
        for cell in cell_mapping_obj.CellMappingList.get_all(ctx):
            try:
                with ctx.target_cell(cell.uuid) as cctx:
                    per_cell.append(instance_obj.InstanceList.get_by_filters(
                        cctx, filters, sort_keys, sort_dirs, limit=limit,
                        expected_attrs=expected_attrs, after=after))
            except exception.DatabaseUnreachable:
                if down_cells is not None:
                    down_cells.append(cell.uuid)
        seen = {instance.uuid for instance in found}
        for instance in heapq.merge(*per_cell, key=lambda inst: (
                instance_obj.SortKey(inst, sort_keys, sort_dirs))):
            if wanted is not None and wanted <= 0:
                break
            # A server placed in a cell while we listed may show twice.
            if instance.uuid not in seen:
                seen.add(instance.uuid)
                found.append(instance)
                if wanted is not None:
                    wanted -= 1
        return found

    @staticmethod
    def down_cell_servers(ctx, cell_uuids, project_id=None):
        """InstanceMappings of the servers in cells that cannot be reached
        (what 2.69 shows of them); all projects when project_id is None."""
        if not cell_uuids:
            return []
        return list(mapping_obj.InstanceMappingList.get_live_by_cells(
            ctx, cell_uuids, project_id=project_id))

    def _marker(self, ctx, marker):
        try:
            return self.get(ctx, marker, read_deleted=True)
        except exception.InstanceNotFound:
            raise exception.MarkerNotFound(marker=marker)

    @staticmethod
    def _db_filters(ctx, filters):
        """Nova's renaming of API filters to DB filters; None when nothing
        can match (an unknown flavor)."""
        renames = {"image": "image_ref", "name": "display_name",
                   "description": "display_description",
                   "tenant_id": "project_id"}
        result = {}
        for key, value in filters.items():
            if key == "flavor":
                try:
                    result["instance_type_id"] = (
                        flavor_obj.Flavor.get_by_flavor_id(
                            ctx.elevated(), value).id)
                except exception.FlavorNotFound:
                    return None
            else:
                result[renames.get(key, key)] = value
        return result

    def host_statuses(self, ctx, instances):
        """{uuid: Nova's host_status} for these servers, reading the
        compute services once."""
        statuses = {}
        services = {}
        hosts = {instance.get("host") for instance in instances} - {None}
        if len(instances) == 1 and hosts:
            try:
                service = service_obj.Service.get_by_host_and_binary(
                    ctx.elevated(), hosts.pop(), COMPUTE_BINARY,
                    cell_uuid=instances[0].get("cell_uuid"))
                services[service.host] = service
            except exception.ServiceNotFound:
                pass
        elif hosts:
            services = {service.host: service for service in
                        service_obj.ServiceList.get_all(
                            ctx.elevated(), binary=COMPUTE_BINARY)}
        for instance in instances:
            service = services.get(instance.get("host"))
            if not instance.get("host") or service is None:
                statuses[instance.uuid] = HOST_NONE
            elif service.forced_down:
                statuses[instance.uuid] = HOST_DOWN
            elif service.disabled:
                statuses[instance.uuid] = HOST_MAINTENANCE
            elif service.is_up(self.conf.service_down_time):
                statuses[instance.uuid] = HOST_UP
            else:
                statuses[instance.uuid] = HOST_UNKNOWN
        return statuses

    @staticmethod
    def request_specs(ctx, instance_uuids, only=None):
        """{uuid: RequestSpec} of these servers, in one query; only: the
        fields to load (see RequestSpecList.get_by_instance_uuids)."""
        return {spec.instance_uuid: spec for spec in
                request_spec_obj.RequestSpecList.get_by_instance_uuids(
                    ctx, instance_uuids, only=only)}

    @staticmethod
    def server_groups(ctx, instance_uuid):
        """Uuids of the server groups the server is a member of."""
        with ctx.api_db.reader() as session:
            return list(session.scalars(_GROUPS_OF_SERVER,
                                        {"instance_uuid": instance_uuid}))

    # Changes --------------------------------------------------------------------

    def update(self, ctx, instance, updates):
        """Apply {field: value} to the server, wherever it is now; the
        updated server."""
        if instance.get("cell_uuid") is None:
            try:
                build_request = (build_request_obj.BuildRequest.
                                 get_by_instance_uuid(ctx, instance.uuid))
                build_request.instance.update(updates)
                build_request.save()
                return build_request.instance
            except exception.BuildRequestNotFound:
                # Placed in a cell meanwhile (or deleted: 404).
                instance = self.get(ctx, instance.uuid)
        instance.update(updates)
        instance.save()
        return instance

    def delete(self, ctx, instance, force=False):
        """Delete the server: drop its build request if it has not
        reached a cell, else have its host terminate it (task_state
        deleting), or delete it here when it has no host or its compute
        service is down. With [DEFAULT] reclaim_instance_interval > 0 a
        server on a live host is soft-deleted instead (see soft_delete)."""
        _check_lock(ctx, instance)
        if not force and self._soft_deletes(ctx, instance):
            self.soft_delete(ctx, instance)
            return
        mapping = mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, instance.uuid)
        if instance.get("cell_uuid") is None:
            try:
                build_request_obj.BuildRequest(
                    ctx, instance_uuid=instance.uuid).destroy()
            except exception.BuildRequestNotFound:
                # The conductor placed it in a cell meanwhile.
                instance = self.get(ctx, instance.uuid)
            else:
                # The conductor binds a server to its cell and deletes its
                # build request in one transaction: it never reaches one.
                mapping.queued_for_delete = True
                mapping.save()
                instance_group_obj.remove_member(ctx, instance.uuid)
                return
        with ctx.target_cell(instance.cell_uuid) as cctx:
            if instance.task_state == fields.TaskState.DELETING:
                return
            action_obj.InstanceAction.action_start(
                cctx, instance.uuid, action_obj.DELETE)
            # Its consoles go with it, and a shelved server's snapshot.
            console_tokens.revoke_instance(ctx, instance.uuid)
            self._delete_shelved_image(ctx, instance)
            self._drop_resize_source(ctx, cctx, instance)
            if instance.host and self._host_is_up(ctx, instance):
                try:
                    self._start_deleting(instance)
                except exception.UnexpectedDeletingTaskStateError:
                    return
                try:
                    self.compute_rpcapi.terminate_instance(cctx, instance)
                except exception.BrokerUnavailable:
                    # Recorded: the conductor's stuck-state check sends it.
                    LOG.warning("Delete of %s recorded; its compute gets "
                                "it once the broker is back", instance.uuid)
                return
            # A local delete (no host, or its compute is down), as Nova's
            # API announces it.
            self.notifier.instance_action(ctx, instance, "delete",
                                          notifications.START)
            # Resources first, so a 404 means they are free.
            allocations.remove_consumer(ctx, instance.uuid)
            migration_obj.end_moves_of_deleted(cctx, instance.uuid)
            instance.destroy()
            self.notifier.instance_action(ctx, instance, "delete",
                                          notifications.END)
        mapping.queued_for_delete = True
        mapping.save()
        instance_group_obj.remove_member(ctx, instance.uuid)

    def _drop_resize_source(self, ctx, cctx, instance):
        """Nova's _confirm_resize_on_deleting: the source of a resize
        that waits for its confirm drops what it kept for a revert (the
        guest's files, its ports) before the server goes; a source that
        is down keeps them."""
        if instance.vm_state != fields.VMState.RESIZED:
            return
        for migration in migration_obj.MigrationList.get_by_filters(cctx, {
                "instance_uuid": instance.uuid,
                "status": migration_obj.Status.FINISHED}):
            source = migration.source_compute
            if not self._service_is_up(ctx, source, instance.cell_uuid):
                continue
            try:
                self.compute_rpcapi.confirm_resize(cctx, source, instance,
                                                   migration)
            except Exception as exc:  # noqa: BLE001 - the delete goes on
                LOG.warning("Source %s could not drop what it kept of %s: "
                            "%s", source, instance.uuid, exc)

    def _delete_shelved_image(self, ctx, instance):
        """Nova deletes the snapshot of a shelved server with it."""
        if instance.vm_state not in (fields.VMState.SHELVED,
                                     fields.VMState.SHELVED_OFFLOADED):
            return
        image_id = (instance.system_metadata or {}).get("shelved_image_id")
        if not image_id:
            return
        try:
            self.image_api.delete(ctx, image_id)
        except (exception.ImageNotFound, exception.NotAuthorized) as exc:
            LOG.warning("Could not delete the snapshot %s of shelved server "
                        "%s: %s", image_id, instance.uuid, exc)

    @staticmethod
    def _start_deleting(instance):
        """task_state = deleting, atomically against concurrent task
        changes; UnexpectedDeletingTaskStateError if another delete won."""
        for _attempt in range(3):
            expected = instance.task_state
            instance.task_state = fields.TaskState.DELETING
            try:
                instance.save(expected_task_state=[expected])
                return
            except exception.UnexpectedDeletingTaskStateError:
                raise
            except exception.UnexpectedTaskStateError as exc:
                instance.task_state = exc.kwargs["actual"]
        raise exception.ConcurrentUpdate(what="the server's task state")

    @staticmethod
    def service_of_host(ctx, host):
        """The compute service of host; ServiceNotFound when it has
        none."""
        return service_obj.Service.get_by_host_and_binary(
            ctx.elevated(), host, COMPUTE_BINARY)

    def _host_is_up(self, ctx, instance):
        return self._service_is_up(ctx, instance.host, instance.cell_uuid)

    def _service_is_up(self, ctx, host, cell_uuid):
        """Up, or looking down only because every compute went quiet at
        once (a broker outage, scheduler/outage.py): its messages wait
        for it rather than being done here without it."""
        try:
            service = service_obj.Service.get_by_host_and_binary(
                ctx.elevated(), host, COMPUTE_BINARY, cell_uuid=cell_uuid)
        except exception.ServiceNotFound:
            return False
        if service.is_up(self.conf.service_down_time):
            return True
        return not service.forced_down and outage.computes_went_quiet(
            ctx.elevated(), self.conf)

    def lock(self, ctx, instance, reason=None):
        """Lock the server (by its owner or by an admin); records the
        'lock' action. Locking an owner-locked server again is a no-op."""
        is_owner = instance.project_id == ctx.project_id
        if instance.locked and is_owner:
            return
        self._in_cell(instance, "lock")
        with ctx.elevated().target_cell(instance.cell_uuid) as cctx:
            action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                   action_obj.LOCK)
            with action_obj.recorded_event(cctx, instance.uuid, "api_lock"):
                instance.locked = True
                instance.locked_by = "owner" if is_owner else "admin"
                if reason:
                    instance.locked_reason = reason
                instance.save()

    def unlock(self, ctx, instance):
        self._in_cell(instance, "unlock")
        with ctx.elevated().target_cell(instance.cell_uuid) as cctx:
            action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                   action_obj.UNLOCK)
            with action_obj.recorded_event(cctx, instance.uuid,
                                           "api_unlock"):
                instance.locked = False
                instance.locked_by = None
                instance.locked_reason = None
                instance.save()

    @staticmethod
    def is_expected_locked_by(ctx, instance):
        """Whether ctx may unlock without the override: the owner unlocks
        what the owner locked, an admin what an admin locked."""
        expected = "owner" if instance.project_id == ctx.project_id \
            else "admin"
        return not instance.locked_by or instance.locked_by == expected

    @staticmethod
    def _in_cell(instance, action):
        if instance.get("cell_uuid") is None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid, attr="vm_state",
                state=instance.vm_state)

    # Metadata and tags --------------------------------------------------------

    def update_metadata(self, ctx, instance, metadata, replace=False):
        """Merge (or with replace, set) the server's metadata; the result."""
        self._check_changeable(ctx, instance, "update metadata")
        new = dict(metadata) if replace else dict(instance.metadata,
                                                  **metadata)
        self.quotas.check_metadata_items(ctx, instance.project_id, len(new))
        instance.metadata = new
        instance.save()
        return new

    def delete_metadata_item(self, ctx, instance, key):
        self._check_changeable(ctx, instance, "delete metadata")
        metadata = dict(instance.metadata)
        metadata.pop(key, None)
        instance.metadata = metadata
        instance.save()

    @classmethod
    def _check_changeable(cls, ctx, instance, action):
        """Nova's rules for metadata changes: not locked (for non-admins),
        a settled vm_state and no task under way."""
        _check_lock(ctx, instance)
        cls._check_taggable(instance, action)
        if instance.task_state is not None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr="task_state", state=instance.task_state)

    @staticmethod
    def _check_taggable(instance, action):
        if instance.vm_state not in _CHANGEABLE_VM_STATES:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid, attr="vm_state",
                state=instance.vm_state)

    def set_tags(self, ctx, instance, tags):
        self._check_taggable(instance, "update tags")
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return [tag.tag for tag in
                    tag_obj.TagList.create(cctx, instance.uuid, tags)]

    def add_tag(self, ctx, instance, tag):
        """Add a tag; whether it was new."""
        self._check_taggable(instance, "update tag")
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return tag_obj.Tag(cctx, resource_id=instance.uuid,
                               tag=tag).create()

    def delete_tag(self, ctx, instance, tag):
        self._check_taggable(instance, "delete tag")
        with ctx.target_cell(instance.cell_uuid) as cctx:
            tag_obj.Tag.destroy(cctx, instance.uuid, tag)

    def delete_tags(self, ctx, instance):
        self._check_taggable(instance, "delete tags")
        with ctx.target_cell(instance.cell_uuid) as cctx:
            tag_obj.TagList.destroy(cctx, instance.uuid)

    # Server actions ---------------------------------------------------------
    #
    # Which states allow each action, the task it sets and where it ends
    # are in stratus/compute/states.py. Each action checks the lock and the
    # state, sets its task_state atomically (a concurrent action loses with
    # 409), records the instance action under the request id and casts to
    # the server's compute, which saves the end state.

    def _begin(self, ctx, instance, action, name=None, **changes):
        """Check and start an action; the saved instance."""
        rule = states.transition(action)
        name = name or action
        if rule.locked_check:
            _check_lock(ctx, instance)
        states.check(instance, action, name)
        self._in_cell(instance, name)
        if rule.needs_host and not instance.host:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        if action != "resetState":
            self.compute_rpcapi.check_can_send_actions(
                _RPC_VERSIONS.get(action, "1.1"))
        expected = instance.task_state
        before = fail_fast.Begun(instance, expected, changes)
        if rule.task_state is not None:
            instance.task_state = rule.task_state
        instance.update(changes)
        if instance.obj_what_changed():
            instance.save(expected_task_state=[expected])
        recorded = _RECORDED_ACTIONS.get(action, action)
        if recorded:
            with ctx.target_cell(instance.cell_uuid) as cctx:
                action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                       recorded)
        before.remember(instance, recorded)
        return instance

    @fail_fast.undone_if_unsent
    def reboot(self, ctx, instance, reboot_type):
        action = "reboot" if reboot_type == "SOFT" else "reboot_hard"
        self._begin(ctx, instance, action, name="reboot")
        self.compute_rpcapi.reboot_instance(ctx, instance, reboot_type)

    @fail_fast.undone_if_unsent
    def power_action(self, ctx, instance, action):
        """stop, start, pause, unpause, suspend, resume, unrescue,
        trigger_crash_dump and injectNetworkInfo: no arguments beyond the
        server."""
        self._begin(ctx, instance, action)
        getattr(self.compute_rpcapi, _SIMPLE_CASTS[action])(ctx, instance)

    @fail_fast.undone_if_unsent
    def rescue(self, ctx, instance, rescue_password=None,
               rescue_image_ref=None):
        """The password the rescue guest gets (generated unless given)."""
        if rescue_image_ref:
            self.image_api.get(ctx, rescue_image_ref)
        password = rescue_password or generate_password()
        self._begin(ctx, instance, "rescue")
        self.compute_rpcapi.rescue_instance(ctx, instance, password,
                                            rescue_image_ref)
        return password

    @fail_fast.undone_if_unsent
    def set_admin_password(self, ctx, instance, password):
        """Waits for the compute (as Nova does): InstancePasswordSetFailed
        or ActionNotSupportedByDriver (409s) when it cannot."""
        self._begin(ctx, instance, "changePassword")
        self.compute_rpcapi.set_admin_password(ctx, instance, password)

    def reset_state(self, ctx, instance, vm_state):
        """The admin's os-resetState: vm_state as given, no task."""
        self._begin(ctx, instance, "resetState")
        instance.vm_state = vm_state
        instance.task_state = None
        instance.save()

    def console_output(self, ctx, instance, length=None):
        self._begin(ctx, instance, "getConsoleOutput")
        return self.compute_rpcapi.get_console_output(ctx, instance, length)

    @fail_fast.undone_if_unsent
    def snapshot(self, ctx, instance, name, metadata=None):
        """createImage: the new image's document (queued until the
        compute uploads the guest's disk)."""
        return self._image_action(ctx, instance, "createImage", name,
                                  dict(metadata or {}, image_type="snapshot"))

    @fail_fast.undone_if_unsent
    def backup(self, ctx, instance, name, backup_type, rotation,
               metadata=None):
        return self._image_action(
            ctx, instance, "createBackup", name,
            dict(metadata or {}, image_type="backup",
                 backup_type=backup_type), rotation=rotation)

    def _image_action(self, ctx, instance, action, name, properties,
                      rotation=None):
        image = self._begin_with_image(ctx, instance, action, name,
                                       properties)
        if rotation is None:
            self.compute_rpcapi.snapshot_instance(ctx, instance, image["id"])
        else:
            self.compute_rpcapi.backup_instance(
                ctx, instance, image["id"], properties["backup_type"],
                rotation)
        return image

    def _begin_with_image(self, ctx, instance, action, name, properties,
                          **changes):
        """Start an action that fills a new image of the server (queued
        until its compute uploads the disk); the image, deleted again
        when the action cannot start."""
        if states.transition(action).locked_check:
            _check_lock(ctx, instance)
        states.check(instance, action)
        image = self.image_api.create(
            ctx, **_snapshot_fields(instance, name, properties))
        try:
            self._begin(ctx, instance, action, **changes)
        except Exception:
            self.image_api.delete(ctx, image["id"])
            raise
        return image

    @fail_fast.undone_if_unsent
    def rebuild(self, ctx, instance, image_id, admin_password=None,
                preserve_ephemeral=False, **changes):
        """Rebuild from image_id; changes: display_name, metadata,
        key_name, user_data, hostname, display_description, access_ip_v4,
        access_ip_v6, auto_disk_config (present ones only). The password
        the guest gets, and the updated instance."""
        _check_lock(ctx, instance)
        states.check(instance, "rebuild")
        image = self._image(ctx, image_id, instance.flavor,
                            allow_zero_disk=True)
        if "metadata" in changes:
            self.quotas.check_metadata_items(ctx, instance.project_id,
                                             len(changes["metadata"]))
        if "key_name" in changes:
            keypair = self._keypair(ctx, changes["key_name"])
            changes["key_data"] = keypair.public_key if keypair else None
            changes["keypairs"] = keypair_obj.KeyPairList(
                objects=[keypair] if keypair else [])
        image_meta = image_meta_obj.ImageMeta.from_image_dict(image)
        changes.update(
            image_ref=image_id,
            image_properties=_image_properties(image, image_meta,
                                               instance.flavor))
        password = admin_password or generate_password()
        self._begin(ctx, instance, "rebuild", **changes)
        self.compute_rpcapi.rebuild_instance(ctx, instance, image_id,
                                             password, preserve_ephemeral)
        return password, instance

    def _soft_deletes(self, ctx, instance):
        """Whether a delete of this server is a soft delete."""
        return (self.conf.reclaim_instance_interval > 0
                and instance.get("cell_uuid") is not None
                and instance.host is not None
                and instance.vm_state != fields.VMState.SOFT_DELETED
                and instance.task_state != fields.TaskState.DELETING
                and self._host_is_up(ctx, instance))

    @fail_fast.undone_if_unsent
    def soft_delete(self, ctx, instance):
        """SOFT_DELETED after its compute powers it off; restorable until
        the compute reclaims it."""
        self._begin(ctx, instance, "softDelete",
                    deleted_at=objects_base.utcnow())
        self.compute_rpcapi.soft_delete_instance(ctx, instance)

    @fail_fast.undone_if_unsent
    def restore(self, ctx, instance):
        """Undo a soft delete. Its cores and RAM count against quota again
        (the server itself never stopped counting)."""
        _check_lock(ctx, instance)
        states.check(instance, "restore")
        self.quotas.check_deltas(
            ctx, instance.project_id, instance.user_id,
            {"cores": instance.vcpus, "ram": instance.memory_mb})
        if instance.host and self._host_is_up(ctx, instance):
            self._begin(ctx, instance, "restore")
            self.compute_rpcapi.restore_instance(ctx, instance)
            return
        self._begin(ctx, instance, "restore")
        instance.vm_state = fields.VMState.ACTIVE
        instance.task_state = None
        instance.deleted_at = None
        instance.save()

    def force_delete(self, ctx, instance):
        _check_lock(ctx, instance)
        states.check(instance, "forceDelete")
        self.delete(ctx, instance, force=True)

    # Shelve --------------------------------------------------------------------

    @fail_fast.undone_if_unsent
    def shelve(self, ctx, instance):
        """Snapshot the server into '<name>-shelved', power it off and
        keep it SHELVED on its host (offloaded at once, or later by its
        compute, after [DEFAULT] shelved_offload_time)."""
        sysmeta = dict(instance.system_metadata,
                       image_base_image_ref=instance.image_ref)
        image = self._begin_with_image(
            ctx, instance, "shelve", "%s-shelved" % instance.display_name,
            {"image_type": "snapshot"}, system_metadata=sysmeta)
        self.compute_rpcapi.shelve_instance(ctx, instance, image["id"])

    @fail_fast.undone_if_unsent
    def shelve_offload(self, ctx, instance):
        """Remove a SHELVED server from its host and free its resources."""
        self._begin(ctx, instance, "shelveOffload")
        self.compute_rpcapi.shelve_offload_instance(ctx, instance)

    @fail_fast.undone_if_unsent
    def unshelve(self, ctx, instance, new_az=UNSET, host=None):
        """Nova's unshelve: a SHELVED server powers on; a SHELVED_OFFLOADED
        one is scheduled again by the conductor. new_az (2.77; None from
        2.91 unpins the server) and host (2.91) only for an offloaded
        server; host must exist and lie in the zone the server ends up
        pinned to."""
        _check_lock(ctx, instance)
        states.check(instance, "unshelve")
        az_given = new_az is not UNSET
        offloaded = instance.vm_state == fields.VMState.SHELVED_OFFLOADED
        if (az_given or host) and not offloaded:
            raise exception.UnshelveInstanceInvalidState(
                instance_uuid=instance.uuid, state=instance.vm_state)
        if az_given and new_az and new_az not in self.available_zones(ctx):
            raise exception.Invalid(
                "The requested availability zone is not available")
        spec = request_spec_obj.RequestSpec.get_by_instance_uuid(
            ctx, instance.uuid)
        zone = new_az if az_given else spec.availability_zone
        if host:
            self._check_destination(ctx, host, None)
            host_zone = aggregate_obj.AggregateList.get_all(
                ctx.elevated()).availability_zones_by_host().get(
                host, self.conf.default_availability_zone)
            if zone and zone != host_zone:
                raise exception.UnshelveHostNotInAZ(host=host,
                                                    availability_zone=zone)
        if not instance.obj_attr_is_set("system_metadata"):
            # The conductor and the compute read and clear the shelve
            # records: they travel with the server.
            instance.obj_load_attr("system_metadata")
        changes = {"availability_zone": new_az} if az_given else {}
        self._begin(ctx, instance, "unshelve", **changes)
        if az_given:
            spec.availability_zone = new_az
            spec.save()
        # Where the server was created to go does not bind it now (Nova
        # resets forced destinations): only a host given here does.
        spec.requested_host = host
        spec.requested_hypervisor_hostname = None
        self.conductor_api.unshelve_instance(ctx, instance, spec)
    # Moves ------------------------------------------------------------------
    #
    # The API checks and starts them (task resize_prep, the action); the
    # conductor drives them (stratus/conductor/tasks/migrate.py).

    @fail_fast.undone_if_unsent
    def resize(self, ctx, instance, flavor_id=None, host=None,
               auto_disk_config=None):
        """Resize to flavor_id, or (None) cold-migrate, to host when given.
        Nova's checks: 400 for the same flavor, a zero-disk flavor, a
        flavor the image does not fit, an unknown host or the server's
        own; 403 over quota for a resize up; 409 for the state, a lock."""
        _check_lock(ctx, instance)
        action = "resize" if flavor_id is not None else "migrate"
        states.check(instance, action)
        current = instance.flavor
        if flavor_id is None:
            flavor = None
            if host is not None:
                self._check_destination(ctx, host, None)
                if host == instance.host:
                    raise exception.CannotMigrateToSameHost()
        else:
            flavor = self._flavor(ctx, flavor_id)
            if flavor.flavorid == current.flavorid:
                raise exception.CannotResizeToSameFlavor()
            self._check_resize_flavor(ctx, instance, current, flavor)
        self.compute_rpcapi.check_can_send_moves()
        changes = {}
        if auto_disk_config is not None:
            changes["auto_disk_config"] = auto_disk_config
        self._begin(ctx, instance, action, **changes)
        self.conductor_api.migrate_server(ctx, instance, flavor, host)

    def _check_resize_flavor(self, ctx, instance, current, flavor):
        is_bfv = self._is_volume_backed(ctx, instance)
        if flavor.root_gb == 0 and current.root_gb != 0 and not is_bfv:
            raise exception.CannotResizeDisk(
                reason="Resize to zero disk flavor is not allowed.")
        properties = instance.get("image_properties") or {}
        if flavor.memory_mb < int(properties.get("min_ram") or 0):
            raise exception.FlavorMemoryTooSmall()
        min_disk = int(properties.get("min_disk") or 0)
        if not is_bfv and flavor.root_gb and min_disk > flavor.root_gb:
            raise exception.FlavorDiskSmallerThanMinDisk(
                flavor_size=flavor.root_gb * _GiB,
                image_min_disk=min_disk * _GiB)
        self._check_growth(ctx, instance, current, flavor)

    def _check_growth(self, ctx, instance, current, flavor):
        """A move to a bigger flavor counts its growth in cores and RAM
        against the project's quota (403 when over), as Nova does."""
        deltas = {name: getattr(flavor, field) - getattr(current, field)
                  for name, field in (("cores", "vcpus"),
                                      ("ram", "memory_mb"))}
        deltas = {name: delta for name, delta in deltas.items() if delta > 0}
        if deltas:
            self.quotas.check_deltas(ctx, instance.project_id,
                                     instance.user_id, deltas)

    @staticmethod
    def _is_volume_backed(ctx, instance):
        spec = request_spec_obj.RequestSpecList.get_by_instance_uuids(
            ctx, [instance.uuid], only=["is_bfv"])
        return bool(spec and spec[0].get("is_bfv"))

    def confirm_resize(self, ctx, instance):
        """VERIFY_RESIZE -> ACTIVE (STOPPED if it was) on the destination;
        MigrationNotFoundByStatus (Nova's 400 'Instance has not been
        resized.') when no resize waits."""
        migration = self._waiting_move(ctx, instance, "confirmResize")
        with ctx.target_cell(instance.cell_uuid) as cctx:
            migration_obj.begin_confirm(cctx, instance, migration)
        self.conductor_api.confirm_resize(ctx, instance, migration)

    def revert_resize(self, ctx, instance):
        """VERIFY_RESIZE -> back on the source with the old flavor."""
        migration = self._waiting_move(ctx, instance, "revertResize")
        old, new = instance.get("old_flavor"), instance.get("new_flavor")
        if old is not None and new is not None:
            self._check_growth(ctx, instance, new, old)
        with ctx.target_cell(instance.cell_uuid) as cctx:
            migration_obj.begin_revert(cctx, instance, migration)
        self.conductor_api.revert_resize(ctx, instance, migration)

    def _waiting_move(self, ctx, instance, action):
        _check_lock(ctx, instance)
        states.check(instance, action)
        self._in_cell(instance, action)
        self.compute_rpcapi.check_can_send_moves()
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return migration_obj.Migration.get_by_instance_and_status(
                cctx, instance.uuid, migration_obj.Status.FINISHED)

    # Live migration ---------------------------------------------------------

    @fail_fast.undone_if_unsent
    def live_migrate(self, ctx, instance, host, block_migration, force,
                     wait_for_checks=False):
        """Nova's live_migrate: ACTIVE or PAUSED, not locked; host (when
        given) must exist. force: take host as given (before 2.30 a given
        host is always forced); block_migration None is 'auto'.
        wait_for_checks (before 2.34): the conductor's checks answer here
        (NoValidHost, MigrationPreCheckError, ... as 400s)."""
        _check_lock(ctx, instance)
        states.check(instance, "liveMigrate", "os-migrateLive")
        if host:
            self._check_destination(ctx, host, None)
        self.compute_rpcapi.check_can_send_actions("1.4")
        self._begin(ctx, instance, "liveMigrate", name="os-migrateLive")
        self.conductor_api.live_migrate_instance(
            ctx, instance, host, block_migration, bool(force and host),
            wait_for_checks=wait_for_checks)

    def live_migrate_force_complete(self, ctx, instance, migration_id):
        """Finish a running live migration now (2.22)."""
        _check_lock(ctx, instance)
        self._check_migrating(instance, "force_complete",
                              vm_states=(fields.VMState.ACTIVE,))
        migration = self._live_migration(ctx, instance, migration_id)
        if migration.status != migration_obj.Status.RUNNING:
            raise exception.InvalidMigrationState(
                migration_id=migration_id, instance_uuid=instance.uuid,
                state=migration.status, method="force complete")
        self._record(ctx, instance, "live_migration_force_complete")
        self.compute_rpcapi.live_migration_force_complete(ctx, instance,
                                                          migration)

    def live_migrate_abort(self, ctx, instance, migration_id,
                           abort_queued=False):
        """Abort a running live migration (2.24); one still queued or
        preparing too from 2.65 (abort_queued): the conductor's task
        sees it at its next step."""
        _check_lock(ctx, instance)
        self._check_migrating(instance, "abort live migration")
        migration = self._live_migration(ctx, instance, migration_id)
        queued = (migration_obj.Status.QUEUED,
                  migration_obj.Status.PREPARING)
        allowed = (migration_obj.Status.RUNNING,) + (
            queued if abort_queued else ())
        if migration.status not in allowed:
            raise exception.InvalidMigrationState(
                migration_id=migration_id, instance_uuid=instance.uuid,
                state=migration.status, method="abort live migration")
        self._record(ctx, instance, "live_migration_cancel")
        if migration.status in queued:
            migration.status = migration_obj.Status.CANCELLED
            try:
                migration.save(expected_status=list(queued))
                return
            except exception.MigrationStatusConflict:
                # Running meanwhile: the source stops the copy.
                pass
        self.compute_rpcapi.live_migration_abort(ctx, instance, migration)

    # Evacuate -------------------------------------------------------------------

    @fail_fast.undone_if_unsent
    def evacuate(self, ctx, instance, host=None, admin_password=None,
                 force=False, target_state=None):
        """Nova's evacuate: ACTIVE, STOPPED or ERROR and no task, its
        compute service down or forced down (ComputeServiceInUse, 400,
        otherwise); the conductor rebuilds it on host (the scheduler's
        choice when None; as given when force). target_state 'stopped'
        (2.95) leaves it stopped."""
        states.check(instance, "evacuate")
        self._in_cell(instance, "evacuate")
        if instance.host and self._host_is_up(ctx, instance):
            raise exception.ComputeServiceInUse(host=instance.host)
        self.compute_rpcapi.check_can_send_actions("1.4")
        self._begin(ctx, instance, "evacuate")
        self.conductor_api.evacuate_instance(
            ctx, instance, host, bool(force and host), admin_password,
            target_state=target_state)

    @staticmethod
    def _check_migrating(instance, action, vm_states=None):
        if vm_states and instance.vm_state not in vm_states:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr="vm_state", state=instance.vm_state)
        if instance.task_state != fields.TaskState.MIGRATING:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr="task_state", state=instance.task_state)

    @staticmethod
    def _live_migration(ctx, instance, migration_id):
        """The server's live migration of that id (an integer, as Nova's
        routes take it); MigrationNotFoundForInstance (404) otherwise."""
        number = db_types.int_id(migration_id)
        try:
            with ctx.target_cell(instance.cell_uuid) as cctx:
                migration = None if number is None else (
                    migration_obj.Migration.get_by_id(cctx, number))
        except exception.MigrationNotFound:
            migration = None
        if migration is None or migration.instance_uuid != instance.uuid \
                or migration.migration_type != migration_obj.LIVE_MIGRATION:
            raise exception.MigrationNotFoundForInstance(
                migration_id=migration_id, instance_id=instance.uuid)
        return migration

    @staticmethod
    def _record(ctx, instance, action):
        with ctx.target_cell(instance.cell_uuid) as cctx:
            action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                   action)

    @staticmethod
    def migrations(ctx, filters, limit=None, marker=None):
        """Migrations across cells matching filters (see
        MigrationList.get_by_filters), newest first, at most limit;
        marker: the uuid of the last one of the previous page
        (MarkerNotFound otherwise)."""
        cells = [cell.uuid for cell in
                 cell_mapping_obj.CellMappingList.get_all(ctx)]
        found = []
        after = None
        if marker is not None:
            for cell_uuid in cells:
                with ctx.target_cell(cell_uuid) as cctx:
                    listed = migration_obj.MigrationList.get_by_filters(
                        cctx, {"uuid": marker})
                if listed:
                    after = listed[0]
                    break
            else:
                raise exception.MarkerNotFound(marker=marker)
        for cell_uuid in cells:
            with ctx.target_cell(cell_uuid) as cctx:
                found.extend(migration_obj.MigrationList.get_by_filters(
                    cctx, filters, limit=limit, marker=after))
        found.sort(key=lambda m: (m.created_at, m.id), reverse=True)
        return found if limit is None else found[:limit]

    @staticmethod
    def server_migration(ctx, instance, migration_id):
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return migration_obj.Migration.get_by_id(cctx, migration_id)

    @staticmethod
    def server_migrations(ctx, instance, filters):
        if instance.get("cell_uuid") is None:
            return []
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return list(migration_obj.MigrationList.get_by_filters(
                cctx, dict(filters, instance_uuid=instance.uuid)))

    # Instance actions ------------------------------------------------------------

    @staticmethod
    def actions(ctx, instance, limit=None, marker=None, filters=None):
        if instance.get("cell_uuid") is None:
            return []
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return list(action_obj.InstanceActionList.get_by_instance_uuid(
                cctx, instance.uuid, limit=limit, marker=marker,
                filters=filters))

    @staticmethod
    def action(ctx, instance, request_id):
        """(the action of that request, its events) or (None, [])."""
        if instance.get("cell_uuid") is None:
            return None, []
        with ctx.target_cell(instance.cell_uuid) as cctx:
            action = action_obj.InstanceAction.get_by_request_id(
                cctx, instance.uuid, request_id)
            if action is None:
                return None, []
            return action, list(
                action_obj.InstanceActionEventList.get_by_action(cctx,
                                                                 action.id))


# Compute RPC versions of the actions newer than the server actions' 1.1.
_RPC_VERSIONS = {"shelve": "1.4", "shelveOffload": "1.4", "unshelve": "1.4",
                 "liveMigrate": "1.4", "evacuate": "1.4"}
# Instance actions recorded for server actions whose name differs (None:
# not recorded, as Nova records no action for console output).
_RECORDED_ACTIONS = {"reboot_hard": "reboot", "softDelete": "delete",
                     "liveMigrate": "live-migration",
                     "getConsoleOutput": None}
_SIMPLE_CASTS = {
    "stop": "stop_instance", "start": "start_instance",
    "pause": "pause_instance", "unpause": "unpause_instance",
    "suspend": "suspend_instance", "resume": "resume_instance",
    "unrescue": "unrescue_instance",
    "trigger_crash_dump": "trigger_crash_dump",
    "injectNetworkInfo": "inject_network_info",
}
# Image attributes of Glance's own among a server's image properties.
_CORE_IMAGE_KEYS = ("min_ram", "min_disk", "disk_format",
                    "container_format")


def _snapshot_fields(instance, name, properties):
    """The new image of a snapshot or backup: the server's image
    properties (Nova's image_* system metadata), its instance_uuid and
    user_id, and the request's properties."""
    fields_ = {"name": name, "visibility": "private"}
    inherited = dict(instance.get("image_properties") or {})
    for key in _CORE_IMAGE_KEYS:
        value = inherited.pop(key, None)
        if value is not None:
            fields_[key] = int(value) if key.startswith("min_") else value
    fields_.update({key: value for key, value in inherited.items()
                    if value is not None})
    fields_.update(instance_uuid=instance.uuid, user_id=instance.user_id,
                   **properties)
    return fields_


def _check_lock(ctx, instance):
    if instance.locked and not ctx.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance.uuid)


def _default_hostname(name, instance_uuid, count, index):
    hostname = sanitize_hostname(name)
    if not hostname:
        return "Server-%s" % instance_uuid
    return hostname if count == 1 else "%s-%d" % (hostname, index + 1)


def _requested_networks(networks, max_count):
    """Nova's NetworkRequest fields for each requested network."""
    if networks is None or networks == "auto":
        return [{"network_id": "auto"}]
    if networks == "none":
        return [{"network_id": "none"}]
    requested = []
    for network in networks:
        if network.get("port") and max_count > 1:
            raise exception.InvalidInput(
                reason="Unable to launch multiple instances with a single "
                       "configured port ID. Please launch your instance one "
                       "by one with different ports.")
        _check_network_exists(network)
        requested.append({"network_id": network.get("uuid"),
                          "port_id": network.get("port"),
                          "address": network.get("fixed_ip"),
                          "tag": network.get("tag")})
    return requested


def trusted_cert_ids(conf, requested):
    """The certificate ids a server keeps: those requested, else Nova's
    configured defaults when signature and certificate validation are on,
    else None."""
    if requested:
        return list(requested)
    glance = conf.glance
    if (glance.verify_glance_signatures
            and glance.enable_certificate_validation
            and glance.default_trusted_certificate_ids):
        return list(glance.default_trusted_certificate_ids)
    return None


def _check_network_exists(network):
    """No network service yet: any network or port named is unknown."""
    if network.get("port"):
        raise exception.PortNotFound(port_id=network["port"])
    if network.get("uuid"):
        raise exception.NetworkNotFound(network_id=network["uuid"])


def _normalized_hints(hints):
    """Scheduler hints as lists of strings, the way RequestSpec keeps
    them (a 'query' hint given as JSON object becomes its text)."""
    normalized = {}
    for name, value in (hints or {}).items():
        values = value if isinstance(value, list) else [value]
        normalized[name] = [item if isinstance(item, str)
                            else json.dumps(item) for item in values]
    return normalized


def _image_properties(image, image_meta, flavor):
    """The image properties a server keeps (Nova's image_* system
    metadata), shown at 2.98."""
    properties = {key: None if value is None else value[:255]
                  for key, value in image_meta.properties.items()
                  if key not in _SKIPPED_IMAGE_PROPERTIES}
    for key in _INHERITED_IMAGE_KEYS:
        value = image.get(key)
        if key == "min_disk":
            value = max(int(value or 0), flavor.root_gb)
        if value is not None:
            properties[key] = str(value)
    properties["base_image_ref"] = image_meta.id
    return properties
