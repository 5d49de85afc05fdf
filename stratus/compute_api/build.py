"""Create: check a request for servers against flavors, images, keypairs,
zones, groups and quotas, write what the API database must know of the
new servers (build requests, request specs, instance mappings) and hand
the build to the conductor (stratus/conductor/tasks/build.py).
"""
import json
import re
import secrets
import uuid as uuid_lib

import sqlalchemy as sa

from stratus.compute_api import base
from stratus.compute_api import block_device
from stratus.compute_api import fail_fast
from stratus.compute_api import idempotency
from stratus.db import api_models
from stratus import exception
from stratus.objects import build_request as build_request_obj
from stratus.objects import fields
from stratus.objects import image_meta as image_meta_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_group as instance_group_obj
from stratus.objects import instance_mapping as mapping_obj
from stratus.objects import keypair as keypair_obj
from stratus.objects import request_spec as request_spec_obj


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


class Build(base.APIBase):
    """Create servers."""

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
            image_properties=base.image_properties(image, image_meta, flavor),
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

    def _check_availability_zone(self, ctx, availability_zone):
        if availability_zone not in self.available_zones(ctx):
            raise exception.AvailabilityZoneNotFound()

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
