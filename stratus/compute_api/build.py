"""Create: check a request for servers against flavors, images, keypairs,
zones, groups and quotas, write what the API database must know of the
new servers (build requests, request specs, instance mappings) and hand
the build to the conductor (stratus/conductor/tasks/build.py).
"""
import dataclasses
import json
import re
import secrets
import uuid as uuid_lib

from stratus.compute_api import base
from stratus.compute_api import block_device
from stratus.compute_api import block_device_volumes
from stratus.compute_api import fail_fast
from stratus.compute_api import volume_backed
from stratus import client_exception
from stratus import exception
from stratus.objects import build_request as build_request_obj
from stratus.objects import create_idempotency_key as idempotency
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


def _requested_networks(networks, max_count, check_exists):
    """Nova's NetworkRequest fields for each requested network;
    check_exists(network): raises when the network or port named is not
    there (or the port is taken)."""
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
        check_exists(network)
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


def _no_network_service(network):
    """Without a network service ([network] provider is not neutron): any
    network or port named is unknown."""
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


def _image_meta(image):
    """The ImageMeta of the server's image document ({} for a
    volume-backed server whose volume has no image metadata)."""
    if image.get("id"):
        return image_meta_obj.ImageMeta.from_image_dict(image)
    return image_meta_obj.ImageMeta(
        id="00000000-0000-0000-0000-000000000000", name=None, status=None,
        size=None, min_disk=0, min_ram=0, disk_format=None,
        container_format=None, checksum=None, owner=None, properties={})


@dataclasses.dataclass
class CreateRequest:
    """What a POST /servers asks for, as its handler read it
    (stratus/api/compute/servers.py): the one argument of API.create.

    networks: 'auto', 'none' or a list of {uuid, port, fixed_ip, tag}.
    injected_files: [(path, base64 contents)], passed on to the host.
    block_device_mappings: block_device_mapping_v2 items as given.
    trusted_certs: certificate ids (2.63); see trusted_cert_ids.
    idempotency_key: see objects/create_idempotency_key.py.
    forced_host, forced_node: from the legacy 'zone:host:node' syntax
    (parse_availability_zone); requested_*: 2.74's host and node.
    """
    name: str
    flavor_id: str
    image_id: str | None
    min_count: int = 1
    max_count: int = 1
    key_name: str | None = None
    metadata: dict | None = None
    user_data: str | None = None
    availability_zone: str | None = None
    forced_host: str | None = None
    forced_node: str | None = None
    requested_host: str | None = None
    requested_hypervisor_hostname: str | None = None
    networks: str | list | None = None
    security_groups: list | None = None
    description: str | None = None
    hostname: str | None = None
    scheduler_hints: dict | None = None
    tags: list | None = None
    injected_files: list | None = None
    admin_password: str | None = None
    access_ip_v4: str | None = None
    access_ip_v6: str | None = None
    config_drive: bool = False
    auto_disk_config: bool | None = None
    allow_zero_disk: bool = False
    block_device_mappings: list | None = None
    trusted_certs: list | None = None
    idempotency_key: str | None = None
    legacy_block_device_mappings: list | None = None
    supports_multiattach: bool = False


@dataclasses.dataclass
class _Checked:
    """What the checks of a create found: the records it names and how
    many servers the quota allows."""
    flavor: object
    bdms: list
    image_id: str
    image: dict
    image_meta: object
    keypair: object
    requested_networks: list
    group: object
    limit_sets: tuple
    count: int = 0
    volume_backed: bool = False


class Build(base.APIBase):
    """Create servers."""

    def create(self, ctx, request):
        """Accept one to request.max_count servers (a CreateRequest);
        (instances, reservation id). IdempotencyKeyTaken when a twin
        request with the same idempotency key was stored first.
        The servers show in BUILD at once; the conductor places them.
        """
        checked = self._check_create(ctx, request)
        reservation_id = "r-" + secrets.token_hex(4)
        common = self._instance_fields(ctx, request, checked, reservation_id)
        spec_common = self._spec_fields(ctx, request, checked)
        instances, build_requests, specs, mappings = [], [], [], []
        for index in range(checked.count):
            instance = self._new_instance(request, checked.count, index,
                                          common)
            instances.append(instance)
            build_requests.append(build_request_obj.BuildRequest(
                instance_uuid=instance.uuid, project_id=ctx.project_id,
                instance=instance, tags=list(request.tags or []),
                block_device_mappings=block_device.for_instance(
                    checked.bdms, instance.uuid)))
            specs.append(request_spec_obj.RequestSpec(
                instance_uuid=instance.uuid, **spec_common))
            mappings.append(mapping_obj.InstanceMapping(
                instance_uuid=instance.uuid, project_id=ctx.project_id,
                user_id=ctx.user_id, cell_uuid=None,
                queued_for_delete=False))
        reserved = self._reserve_volumes(ctx, build_requests)
        try:
            self._store(ctx, request, checked, reservation_id, instances,
                        specs + build_requests + mappings)
            self._recheck_quota(ctx, checked, instances)
        except Exception:
            block_device_volumes.release(self.volume_api, ctx, reserved)
            raise
        try:
            self.conductor_api.schedule_and_build_instances(
                ctx, build_requests=build_requests, request_specs=specs,
                admin_password=request.admin_password,
                injected_files=[list(item) for item in
                                request.injected_files or []])
        except exception.BrokerUnavailable:
            if fail_fast.withdraw_builds(ctx, [i.uuid for i in instances]):
                block_device_volumes.release(self.volume_api, ctx, reserved)
                raise
        return instances, reservation_id

    def _reserve_volumes(self, ctx, build_requests):
        """Reserve the existing volumes of each new server (attachments
        without a connector, kept on its mappings); all of them are
        deleted again when one cannot be made. The mappings reserved."""
        reserved = []
        try:
            for build_request in build_requests:
                bdms = build_request.block_device_mappings.objects
                if not any(bdm.source_type == block_device.SOURCE_VOLUME
                           for bdm in bdms):
                    continue
                block_device_volumes.reserve(
                    self.volume_api, ctx, build_request.instance_uuid, bdms)
                reserved.extend(bdms)
        except Exception:
            block_device_volumes.release(self.volume_api, ctx, reserved)
            raise
        return reserved

    def _checked_networks(self, ctx, request):
        """The requested networks, checked with the network service as
        Nova validates them: a network or port must exist (400), a port
        must be free (409), and a request naming no network must leave
        one network to choose (409 NetworkAmbiguous)."""
        if self.network_api is None:
            return _requested_networks(request.networks, request.max_count,
                                       _no_network_service)

        def check_exists(network):
            try:
                if network.get("port"):
                    port = self.network_api.show_port(ctx, network["port"])
                    if port.get("device_id"):
                        raise exception.PortInUse(port_id=network["port"])
                elif network.get("uuid"):
                    self.network_api.show_network(ctx, network["uuid"])
            except client_exception.NetworkResourceNotFound:
                _no_network_service(network)
        requested = _requested_networks(request.networks, request.max_count,
                                        check_exists)
        self._check_security_groups(ctx, request.security_groups)
        if requested == [{"network_id": "auto"}] and len(
                self.network_api.available_networks(
                    ctx, ctx.project_id)) > 1:
            raise exception.NetworkAmbiguous()
        return requested

    def _check_security_groups(self, ctx, names):
        """Each security group named (but default) is one of the
        project's, by name or id, as Nova's _check_requested_secgroups:
        400 when unknown, 409 when a name is not unique."""
        names = [name for name in names or () if name != "default"]
        if not names:
            return
        groups = self.network_api.list_security_groups(
            ctx, project_id=ctx.project_id)
        for name in names:
            found = [group for group in groups
                     if name in (group["id"], group.get("name"))]
            if not found:
                raise exception.SecurityGroupNameNotFound(name=name)
            if len(found) > 1:
                raise exception.NoUniqueMatch(
                    "Multiple security_group matches found for name '%s', "
                    "use an ID to be more specific." % name)

    def _check_create(self, ctx, request):
        """Nova's checks of a create, in Nova's order; what they found."""
        flavor = self._flavor(ctx, request.flavor_id)
        requested_image = None
        mappings = request.block_device_mappings
        if request.image_id:
            requested_image = self.image_api.get(ctx, request.image_id)
            # An image of a volume-backed server maps its snapshots.
            mappings = volume_backed.merge_mappings(requested_image,
                                                    mappings)
        bdms = block_device.from_api(
            mappings, request.image_id, flavor,
            self.conf.max_local_block_devices,
            legacy=request.legacy_block_device_mappings)
        is_bfv = block_device.is_volume_backed(bdms)
        image_id = block_device.root_image_id(bdms)
        if not is_bfv:
            image = self._image(
                ctx, image_id, flavor, request.allow_zero_disk,
                image=requested_image if image_id == request.image_id
                else None)
        keypair = self._keypair(ctx, request.key_name)
        if request.availability_zone and not request.forced_host:
            self._check_availability_zone(ctx, request.availability_zone)
        if any(bdm.is_volume for bdm in bdms):
            volumes = block_device_volumes.check(
                self, ctx, bdms, flavor, request.availability_zone,
                request.supports_multiattach)
            request.availability_zone = volumes.availability_zone
            if is_bfv:
                image = volumes.image
                # Nova: a volume-backed server shows no image.
                image_id = request.image_id or ""
        if request.requested_host or request.requested_hypervisor_hostname:
            self._check_destination(ctx, request.requested_host,
                                    request.requested_hypervisor_hostname)
        checked = _Checked(
            flavor=flavor, bdms=bdms, image_id=image_id, image=image,
            image_meta=_image_meta(image),
            volume_backed=is_bfv,
            keypair=keypair,
            requested_networks=self._checked_networks(ctx, request),
            group=self._server_group(ctx, request.scheduler_hints),
            # The limits, read once for the checks before the writes and
            # the recheck after them (which is about concurrent usage,
            # not limits).
            limit_sets=self.quotas.limit_sets(ctx, ctx.project_id,
                                              ctx.user_id))
        self.quotas.check_metadata_items(
            ctx, ctx.project_id, len(request.metadata or {}),
            limit_sets=checked.limit_sets)
        self._check_injected_files(ctx, request.injected_files or [],
                                   limits=checked.limit_sets[0])
        checked.count = self.quotas.check_instances(
            ctx, ctx.project_id, ctx.user_id, request.min_count,
            request.max_count, flavor.vcpus, flavor.memory_mb,
            limit_sets=checked.limit_sets)
        if checked.group is not None:
            self._check_group_members(ctx, checked.group, checked.count,
                                      limits=checked.limit_sets[0])
        return checked

    def _instance_fields(self, ctx, request, checked, reservation_id):
        """The fields every server of the create shares."""
        flavor, keypair = checked.flavor, checked.keypair
        image_meta = checked.image_meta
        auto_disk_config = request.auto_disk_config
        if auto_disk_config is None:
            auto_disk_config = str(image_meta.properties.get(
                "auto_disk_config")).lower() in ("true", "1", "yes", "on")
        return dict(
            user_id=ctx.user_id, project_id=ctx.project_id,
            image_ref=checked.image_id,
            kernel_id=image_meta.properties.get("kernel_id"),
            ramdisk_id=image_meta.properties.get("ramdisk_id"),
            os_type=image_meta.properties.get("os_type"),
            architecture=image_meta.properties.get("architecture"),
            key_name=request.key_name,
            key_data=keypair.public_key if keypair else None,
            power_state=fields.PowerState.NOSTATE,
            vm_state=fields.VMState.BUILDING,
            task_state=fields.TaskState.SCHEDULING,
            memory_mb=flavor.memory_mb, vcpus=flavor.vcpus,
            root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
            instance_type_id=flavor.id, flavor=flavor,
            user_data=request.user_data, reservation_id=reservation_id,
            availability_zone=request.availability_zone,
            display_description=request.description, locked=False,
            locked_by=None, locked_reason=None,
            config_drive="True" if request.config_drive else "",
            access_ip_v4=request.access_ip_v4,
            access_ip_v6=request.access_ip_v6,
            auto_disk_config=auto_disk_config, progress=0,
            shutdown_terminate=False, disable_terminate=False, hidden=False,
            host=None, node=None, launched_at=None, terminated_at=None,
            launched_on=None, root_device_name=None, deleted=False,
            cell_uuid=None,
            system_metadata={}, fault=None, info_cache=None,
            image_properties=base.image_properties(checked.image,
                                                   image_meta, flavor),
            tags=list(request.tags or []),
            trusted_certs=trusted_cert_ids(self.conf, request.trusted_certs),
            keypairs=keypair_obj.KeyPairList(
                objects=[keypair] if keypair else []))

    @staticmethod
    def _spec_fields(ctx, request, checked):
        """The fields every request spec of the create shares."""
        group = checked.group
        return dict(
            project_id=ctx.project_id, user_id=ctx.user_id,
            flavor=checked.flavor,
            image=checked.image_meta,
            num_instances=checked.count,
            availability_zone=request.availability_zone,
            scheduler_hints=_normalized_hints(request.scheduler_hints),
            requested_host=request.requested_host or request.forced_host,
            requested_hypervisor_hostname=(
                request.requested_hypervisor_hostname
                or request.forced_node),
            instance_group_uuid=group.uuid if group is not None else None,
            ignore_hosts=[], is_bfv=checked.volume_backed,
            requested_networks=checked.requested_networks,
            security_groups=request.security_groups or ["default"])

    @staticmethod
    def _new_instance(request, count, index, common):
        instance_uuid = str(uuid_lib.uuid4())
        name = request.name
        return instance_obj.Instance(
            uuid=instance_uuid, launch_index=index,
            display_name=name if count == 1 else "%s-%d" % (name, index + 1),
            hostname=request.hostname or _default_hostname(
                name, instance_uuid, count, index),
            metadata=dict(request.metadata or {}), **common)

    @staticmethod
    def _store(ctx, request, checked, reservation_id, instances, records):
        """The create's API database records, in one transaction."""
        with ctx.api_db.writer() as session:
            if request.idempotency_key:
                idempotency.record(session, ctx, request.idempotency_key,
                                   instances[0].uuid, reservation_id)
            for record in records:
                record.create(ctx, session=session)
            if checked.group is not None:
                instance_group_obj.InstanceGroup.add_members(
                    session, checked.group.id, [i.uuid for i in instances])

    def _recheck_quota(self, ctx, checked, instances):
        """[quota] recheck_quota: count again now that the servers are
        written (a concurrent create may have taken the room); the
        records are taken back when over."""
        if not self.conf.quota.recheck_quota:
            return
        count, flavor = checked.count, checked.flavor
        try:
            self.quotas.check_deltas(
                ctx, ctx.project_id, ctx.user_id,
                {"instances": count, "cores": count * flavor.vcpus,
                 "ram": count * flavor.memory_mb}, already_counted=True,
                limit_sets=checked.limit_sets)
            if checked.group is not None:
                self._check_group_members(ctx, checked.group, 0,
                                          limits=checked.limit_sets[0])
        except exception.OverQuota:
            build_request_obj.withdraw(ctx, [i.uuid for i in instances])
            raise

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
