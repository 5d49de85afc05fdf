"""How servers look in Compute API responses, per microversion, and the
mapping between Nova's API status and the vm_state / task_state pairs.

A ``ServerView`` is made for one request: the microversion checks, the
policy checks and the data a page of servers shares (host states, request
specs) are worked out once, not per server.
"""
import hashlib
import json

from stratus.api.compute import links
from stratus.api import wsgi
from stratus.policies import servers as policies

# (vm_state) -> {task_state or 'default': API status}, Nova's table.
_REBUILD = {"rebuilding": "REBUILD", "rebuild_block_device_mapping": "REBUILD",
            "rebuild_spawning": "REBUILD"}
_RESIZE = {"resize_prep": "RESIZE", "resize_migrating": "RESIZE",
           "resize_migrated": "RESIZE", "resize_finish": "RESIZE"}
STATE_MAP = {
    "active": dict({
        "default": "ACTIVE",
        "rebooting": "REBOOT", "reboot_pending": "REBOOT",
        "reboot_started": "REBOOT",
        "rebooting_hard": "HARD_REBOOT", "reboot_pending_hard": "HARD_REBOOT",
        "reboot_started_hard": "HARD_REBOOT",
        "updating_password": "PASSWORD",
        "migrating": "MIGRATING",
    }, **_REBUILD, **_RESIZE),
    "building": {"default": "BUILD"},
    "stopped": dict({"default": "SHUTOFF"}, **_RESIZE, **_REBUILD),
    "resized": {"default": "VERIFY_RESIZE",
                "resize_reverting": "REVERT_RESIZE"},
    "paused": {"default": "PAUSED", "migrating": "MIGRATING"},
    "suspended": {"default": "SUSPENDED"},
    "rescued": {"default": "RESCUE"},
    "error": dict({"default": "ERROR"}, **_REBUILD),
    "deleted": {"default": "DELETED"},
    "soft-delete": {"default": "SOFT_DELETED"},
    "shelved": {"default": "SHELVED"},
    "shelved_offloaded": {"default": "SHELVED_OFFLOADED"},
}
_UNKNOWN = {"default": "UNKNOWN"}

# What servers show of their request specs (2.96, 2.100).
SPEC_FIELDS = ("availability_zone", "scheduler_hints")

# Statuses in which a server shows its fault, and its progress.
_FAULT_STATUSES = ("ERROR", "DELETED")
_PROGRESS_STATUSES = ("ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE",
                      "MIGRATING")


def status(instance):
    """The API status of a server."""
    if instance.get("deleted"):
        return "DELETED"
    task_map = STATE_MAP.get(instance.get("vm_state"), _UNKNOWN)
    return task_map.get(instance.get("task_state"), task_map["default"])


def states_for_statuses(statuses):
    """(vm_states, task_states) whose servers have one of these statuses;
    task_states holds 'default' when any task state will do."""
    wanted = {name.upper() for name in statuses}
    vm_states, task_states = set(), set()
    for vm_state, task_map in STATE_MAP.items():
        for task_state, name in task_map.items():
            if name in wanted:
                vm_states.add(vm_state)
                task_states.add(task_state)
    return sorted(vm_states), sorted(task_states)


def host_id(project_id, host):
    """Nova's opaque per-project host identifier."""
    if not host:
        return ""
    return hashlib.sha224((str(project_id) + host).encode("utf-8")
                          ).hexdigest()


def networks(instance):
    """{network label: [{"version", "addr", "type", "mac"}]} from the info
    cache, fixed addresses before floating ones, as Nova lists them."""
    found = {}
    if not instance.get("info_cache"):
        return found
    for vif in json.loads(instance.get("info_cache")):
        network = vif.get("network") or {}
        entries = found.setdefault(network.get("label"), [])
        fixed, floating = [], []
        for subnet in network.get("subnets") or []:
            for ip in subnet.get("ips") or []:
                fixed.append(ip)
                floating.extend(ip.get("floating_ips") or [])
        for ip in fixed + floating:
            entries.append({
                "version": ip.get("version") or (
                    6 if ":" in ip["address"] else 4),
                "addr": ip["address"],
                "type": ip.get("type") or ("floating" if ip in floating
                                           else "fixed"),
                "mac": vif.get("address")})
    return found


def address_view(entries, extended):
    if extended:
        return [{"version": e["version"], "addr": e["addr"],
                 "OS-EXT-IPS:type": e["type"],
                 "OS-EXT-IPS-MAC:mac_addr": e["mac"]} for e in entries]
    return [{"version": e["version"], "addr": e["addr"]} for e in entries]


def _security_groups(instance):
    """Groups of a server's ports; none when it has no ports. The info
    cache's VIFs name their groups ("security_groups"); 'default' if not."""
    if not instance.get("info_cache"):
        return None
    vifs = json.loads(instance.get("info_cache"))
    if not vifs:
        return None
    names = []
    for vif in vifs:
        for name in vif.get("security_groups") or ["default"]:
            if name not in names:
                names.append(name)
    return [{"name": name} for name in names]


def _usage_time(value):
    return wsgi.isotime(value, microseconds=True) if value else None


class ServerView:
    """Renders servers for one request."""

    def __init__(self, req, instances=(), full=True, user_data=True,
                 specs=None):
        """full: every attribute, as show and list do (False: the smaller
        body PUT and rebuild returned before 2.75); user_data: whether the
        extended attributes carry OS-EXT-SRV-ATTR:user_data (rebuild shows
        user_data under its own name instead, from 2.57); specs: {uuid:
        RequestSpec with SPEC_FIELDS} of the servers when the caller read
        them (read here otherwise, from 2.96)."""
        self.req = req
        self.version = req.api_version
        self.root = links.root_url(req)
        self.full = full
        self.user_data = user_data
        ctx = req.context
        self.extended = full and req.can(policies.EXTENDED_ATTRIBUTES)
        self.extra_specs = self.version >= (2, 47) and req.can(
            policies.SERVERS % "show:flavor-extra-specs")
        self.host_status = None
        if full and self.version >= (2, 16):
            if req.can(policies.SERVERS % "show:host_status"):
                self.host_status = "all"
            elif req.can(policies.SERVERS % "show:host_status:unknown-only"):
                self.host_status = "unknown-only"
        compute_api = req.app.compute_api
        uuids = [instance.uuid for instance in instances]
        self.host_statuses = (compute_api.host_statuses(ctx, instances)
                              if self.host_status and instances else {})
        if specs is None:
            specs = (compute_api.request_specs(ctx, uuids, only=SPEC_FIELDS)
                     if self.version >= (2, 96) and uuids else {})
        self.specs = specs
        # The volume mappings of the servers (one query per cell).
        self.volumes = (compute_api.volumes_attached(ctx, instances)
                        if full and instances else {})

    # Collections ------------------------------------------------------------

    def summary(self, instance):
        server_id = instance.get("uuid")
        return {"id": server_id, "name": instance.get("display_name"),
                "links": self._links(server_id)}

    def collection(self, instances, detail, collection="servers"):
        """instances: Instances, and InstanceMappings of servers whose cell
        did not answer (is_down_record), shown as minimal records."""
        render = self.detail if detail else self.summary
        body = {"servers": [
            self.down_cell_record(item, detail) if is_down_record(item)
            else render(item) for item in instances]}
        next_links = links.next_links(self.req, instances, collection,
                                      _server_id)
        if next_links:
            body["servers_links"] = next_links
        return body

    def created(self, instance, admin_password, security_groups):
        """The body of a create: just enough to find the server."""
        body = {"id": instance.uuid, "links": self._links(instance.uuid),
                "OS-DCF:diskConfig": self._disk_config(instance),
                "security_groups": security_groups}
        if admin_password is not None:
            body["adminPass"] = admin_password
        return body

    # One server ----------------------------------------------------------------

    def detail(self, instance, server_groups=None):
        """The server as GET /servers/{id} shows it; server_groups (2.71)
        are passed by show and update only."""
        version = self.version
        values = instance.loaded_fields()
        get = values.get
        server_id = get("uuid")
        server_status = status(values)
        server = {
            "id": server_id,
            "name": get("display_name"),
            "status": server_status,
            "tenant_id": get("project_id") or "",
            "user_id": get("user_id") or "",
            "metadata": dict(get("metadata") or {}),
            "hostId": host_id(get("project_id"), get("host")),
            "image": self._image(values),
            "flavor": self._flavor(values),
            "created": wsgi.isotime(get("created_at")),
            "updated": wsgi.isotime(get("updated_at") or get("created_at")),
            "addresses": {label: address_view(entries, self.full)
                          for label, entries in networks(values).items()},
            "accessIPv4": get("access_ip_v4") or "",
            "accessIPv6": get("access_ip_v6") or "",
            "links": self._links(server_id),
            "OS-DCF:diskConfig": self._disk_config(values),
        }
        if server_status in _FAULT_STATUSES:
            fault = self._fault(instance)
            if fault:
                server["fault"] = fault
        if server_status in _PROGRESS_STATUSES:
            server["progress"] = get("progress") or 0
        if self.full:
            self._add_full(server, instance, values)
        if version >= (2, 9):
            server["locked"] = bool(get("locked"))
        if version >= (2, 19):
            server["description"] = get("display_description")
        if version >= (2, 26):
            server["tags"] = list(get("tags") or [])
        if version >= (2, 63):
            certs = get("trusted_certs")
            server["trusted_image_certificates"] = (list(certs) if certs
                                                    else None)
        if version >= (2, 71) and server_groups is not None:
            server["server_groups"] = server_groups
        if version >= (2, 73):
            server["locked_reason"] = get("locked_reason")
        if version >= (2, 90) and not self.extended:
            server["OS-EXT-SRV-ATTR:hostname"] = get("hostname")
        spec = self.specs.get(server_id)
        if version >= (2, 96):
            server["pinned_availability_zone"] = (
                spec.get("availability_zone") if spec else None)
        if version >= (2, 100):
            server["scheduler_hints"] = (dict(spec.get("scheduler_hints")
                                              or {}) if spec else {})
        return server

    def _add_full(self, server, instance, values):
        get = values.get
        server["OS-EXT-AZ:availability_zone"] = get("availability_zone") or ""
        server["config_drive"] = get("config_drive") or ""
        server["key_name"] = get("key_name")
        server["OS-SRV-USG:launched_at"] = _usage_time(get("launched_at"))
        server["OS-SRV-USG:terminated_at"] = _usage_time(
            get("terminated_at"))
        groups = _security_groups(values)
        if groups is not None:
            server["security_groups"] = groups
        if self.extended:
            server["OS-EXT-SRV-ATTR:host"] = get("host")
            server["OS-EXT-SRV-ATTR:instance_name"] = instance.name
            server["OS-EXT-SRV-ATTR:hypervisor_hostname"] = get("node")
            if self.version >= (2, 3):
                for key in ("reservation_id", "launch_index", "hostname",
                            "kernel_id", "ramdisk_id", "root_device_name"):
                    server["OS-EXT-SRV-ATTR:" + key] = get(key)
                if self.user_data:
                    server["OS-EXT-SRV-ATTR:user_data"] = get("user_data")
        server["OS-EXT-STS:task_state"] = get("task_state")
        server["OS-EXT-STS:vm_state"] = get("vm_state")
        server["OS-EXT-STS:power_state"] = get("power_state") or 0
        # A build's volume not made yet (no volume_id) is not shown.
        server["os-extended-volumes:volumes_attached"] = [
            self._volume(bdm) for bdm in self.volumes.get(get("uuid"), ())
            if bdm.get("volume_id")]
        if self.host_status:
            host_status = self.host_statuses.get(get("uuid"), "")
            if self.host_status == "all" or host_status == "UNKNOWN":
                server["host_status"] = host_status

    def _volume(self, bdm):
        shown = {"id": bdm.volume_id}
        if self.version >= (2, 3):
            shown["delete_on_termination"] = bool(
                bdm.get("delete_on_termination"))
        return shown

    # Servers of a cell that cannot be reached (2.69) -----------------------

    def down_cell_record(self, mapping, detail):
        """A server of a list known only by its instance mapping."""
        record = {"id": mapping.instance_uuid, "status": "UNKNOWN",
                  "links": self._links(mapping.instance_uuid)}
        if detail:
            record["tenant_id"] = mapping.project_id
            record["created"] = wsgi.isotime(mapping.created_at)
        return record

    def down_cell_detail(self, mapping, spec, server_groups=None):
        """GET /servers/{id} of such a server: the mapping and what its
        request spec tells."""
        server = self.down_cell_record(mapping, detail=True)
        server["user_id"] = mapping.get("user_id") or "UNKNOWN"
        image = spec.get("image") if spec is not None else None
        image_ref = image.get("id") if image is not None else None
        server["image"] = self._image({"image_ref": image_ref})
        server["flavor"] = self._flavor(
            {"flavor": spec.get("flavor") if spec is not None else None})
        server["OS-EXT-AZ:availability_zone"] = (
            spec.get("availability_zone") if spec is not None else None
        ) or "UNKNOWN"
        server["OS-EXT-STS:power_state"] = 0
        if self.version >= (2, 71) and server_groups is not None:
            server["server_groups"] = server_groups
        return server

    def _links(self, server_id):
        tail = "/servers/%s" % server_id
        return [{"rel": "self", "href": self.root + links.VERSION_PATH + tail},
                {"rel": "bookmark", "href": self.root + tail}]

    @staticmethod
    def _disk_config(instance):
        return "AUTO" if instance.get("auto_disk_config") else "MANUAL"

    def _image(self, instance):
        image_ref = instance.get("image_ref")
        if not image_ref:
            return ""
        image = {"id": image_ref, "links": [
            {"rel": "bookmark",
             "href": "%s/images/%s" % (self.root, image_ref)}]}
        if self.version >= (2, 98):
            image["properties"] = dict(instance.get("image_properties") or {})
        return image

    def _flavor(self, instance):
        flavor = instance.get("flavor")
        if flavor is None:
            return {}
        if self.version < (2, 47):
            return {"id": flavor.flavorid, "links": [
                {"rel": "bookmark",
                 "href": "%s/flavors/%s" % (self.root, flavor.flavorid)}]}
        body = {"vcpus": flavor.vcpus, "ram": flavor.memory_mb,
                "disk": flavor.root_gb, "ephemeral": flavor.ephemeral_gb,
                "swap": flavor.swap, "original_name": flavor.name}
        if self.extra_specs:
            body["extra_specs"] = dict(flavor.extra_specs)
        return body

    def _fault(self, instance):
        fault = instance.fault
        if fault is None:
            return None
        body = {"code": fault.code,
                "created": wsgi.isotime(fault.created_at),
                "message": fault.message}
        if fault.get("details") and (self.req.context.is_admin
                                     or fault.code != 500):
            body["details"] = fault.details
        return body


def is_down_record(item):
    """Whether a listed item is the InstanceMapping of a server whose cell
    did not answer (2.69) rather than an Instance."""
    return item.obj_name() == "InstanceMapping"


def _server_id(item):
    return item.instance_uuid if is_down_record(item) else item.uuid
