"""What a guest learns about itself: the content of the metadata service
and of the config drive, built from an Instance and its network_info.

``InstanceMetadata(instance, network_info)`` answers ``openstack()`` for
the OpenStack tree (``openstack/<version>/meta_data.json``, ``user_data``,
``network_data.json``, ``vendor_data.json``, ``vendor_data2.json``,
``password``) and ``ec2()`` for the EC2 tree (``<version>/meta-data/...``,
``<version>/user-data``), and lists the files a config drive holds
(``files()``), so both carry the same content.
"""
import base64
import binascii
import ipaddress
import json

from stratus.metadata import password as posted_password

OPENSTACK_VERSIONS = ["2012-08-10", "2013-04-04", "2013-10-17", "2015-10-15",
                      "2016-06-30", "2016-10-06", "2017-02-22", "2018-08-27",
                      "2020-10-14"]
EC2_VERSIONS = ["1.0", "2007-01-19", "2007-03-01", "2007-08-29",
                "2007-10-10", "2007-12-15", "2008-02-01", "2008-09-01",
                "2009-04-04"]
LATEST = "latest"
# The first version with the password a guest posts (Nova's GRIZZLY).
PASSWORD_VERSION = "2013-04-04"


class NotFound(LookupError):
    """No such metadata path."""


def decode_user_data(user_data):
    """The bytes of an instance's user data (stored base64, as given)."""
    if not user_data:
        return None
    try:
        return base64.b64decode(user_data, validate=False)
    except (binascii.Error, ValueError):
        return user_data.encode("utf-8")


class InstanceMetadata:
    def __init__(self, instance, network_info=None, extra_md=None):
        self.instance = instance
        # More keys of meta_data.json, for a config drive (Nova's
        # extra_md: the admin_pass of a boot or a rescue).
        self.extra_md = dict(extra_md or {})
        self.network_info = network_info if network_info is not None \
            else json.loads(self._get("info_cache") or "[]")

    def _get(self, name, default=None):
        """A field of the instance, or default when it is unset (an
        instance that came over RPC carries only some fields)."""
        instance = self.instance
        if not instance.obj_attr_is_set(name):
            return default
        value = getattr(instance, name)
        return default if value is None else value

    # Pieces -------------------------------------------------------------

    def _keys(self):
        instance = self.instance
        keys = []
        if instance.obj_attr_is_set("keypairs") and instance.keypairs:
            for keypair in instance.keypairs.objects:
                keys.append({"name": keypair.name, "type": keypair.type,
                             "data": keypair.public_key})
        elif self._get("key_data"):
            keys.append({"name": self._get("key_name") or "key",
                         "type": "ssh", "data": self._get("key_data")})
        return keys

    def _fixed_ips(self):
        for vif in self.network_info:
            for subnet in vif["network"]["subnets"]:
                for ip in subnet["ips"]:
                    yield vif, subnet, ip["address"]

    def meta_data(self):
        instance = self.instance
        keys = self._keys()
        return {
            "uuid": instance.uuid,
            "meta": dict(self._get("metadata") or {}),
            "public_keys": {key["name"]: key["data"] for key in keys},
            "keys": keys,
            "hostname": self._get("hostname") or "",
            "name": self._get("display_name") or "",
            "launch_index": self._get("launch_index") or 0,
            "availability_zone": self._get("availability_zone") or "nova",
            "project_id": self._get("project_id"),
            "devices": [],
            "random_seed": base64.b64encode(
                instance.uuid.encode()).decode(),
            **self.extra_md,
        }

    def network_data(self):
        links, networks, services = [], [], []
        for vif in self.network_info:
            link_id = vif.get("devname") or "tap" + vif["id"][:11]
            links.append({"id": link_id, "vif_id": vif["id"],
                          "type": vif.get("type", "bridge"),
                          "ethernet_mac_address": vif["address"],
                          "mtu": vif["network"]["meta"].get("mtu", 1500)})
            for subnet in vif["network"]["subnets"]:
                cidr = ipaddress.ip_network(subnet["cidr"])
                for ip in subnet["ips"]:
                    routes = [{"network": str(route["cidr"]).split("/")[0],
                               "netmask": str(ipaddress.ip_network(
                                   route["cidr"]).netmask),
                               "gateway": route["gateway"]["address"]}
                              for route in subnet.get("routes", [])]
                    networks.append({
                        "id": "network%d" % len(networks),
                        "type": "ipv%d" % cidr.version,
                        "link": link_id, "ip_address": ip["address"],
                        "netmask": str(cidr.netmask), "routes": routes,
                        "network_id": vif["network"]["id"], "services": []})
                for dns in subnet.get("dns", []):
                    services.append({"type": "dns",
                                     "address": dns["address"]})
        return {"links": links, "networks": networks, "services": services}

    def user_data(self):
        return decode_user_data(self._get("user_data"))

    # The OpenStack tree ---------------------------------------------------

    def password(self):
        """The password the guest posted (stratus/metadata/password.py),
        or None."""
        return posted_password.extract(self._get("system_metadata", {}))

    def openstack_files(self):
        """{name: bytes} of openstack/<version>/ (user_data only when the
        instance has some)."""
        files = {
            "meta_data.json": _json(self.meta_data()),
            "network_data.json": _json(self.network_data()),
            "vendor_data.json": _json({}),
            "vendor_data2.json": _json({}),
        }
        user_data = self.user_data()
        if user_data is not None:
            files["user_data"] = user_data
        return files

    def openstack(self, version, name=None):
        if version != LATEST and version not in OPENSTACK_VERSIONS:
            raise NotFound(version)
        files = self.openstack_files()
        if version == LATEST or version >= PASSWORD_VERSION:
            files["password"] = (self.password() or "").encode("utf-8")
        if name is None:
            return _listing(sorted(files))
        if name not in files:
            raise NotFound(name)
        return files[name]

    # The EC2 tree ---------------------------------------------------------

    def ec2_meta_data(self):
        fixed = [address for _, _, address in self._fixed_ips()]
        keys = self._keys()
        hostname = self._get("hostname") or ""
        tree = {
            "ami-id": self._get("image_ref") or "",
            "ami-launch-index": str(self._get("launch_index") or 0),
            "block-device-mapping": {"ami": "vda", "root": "/dev/vda"},
            "hostname": hostname,
            "instance-action": "none",
            "instance-id": "i-%08x" % (self._get("id") or 0),
            "instance-type": getattr(self._get("flavor"), "name", ""),
            "local-hostname": hostname,
            "local-ipv4": fixed[0] if fixed else "",
            "placement": {"availability-zone":
                          self._get("availability_zone") or "nova"},
            "public-hostname": hostname,
            "public-ipv4": "",
            "reservation-id": self._get("reservation_id") or "",
            "security-groups": "default",
        }
        if keys:
            tree["public-keys"] = {
                "%d=%s" % (index, key["name"]): {"openssh-key": key["data"]}
                for index, key in enumerate(keys)}
        return tree

    def ec2(self, version, path=""):
        if version != LATEST and version not in EC2_VERSIONS:
            raise NotFound(version)
        parts = [part for part in path.split("/") if part]
        if not parts:
            top = ["meta-data"]
            if self.user_data() is not None:
                top.append("user-data")
            return _listing(top)
        if parts[0] == "user-data" and len(parts) == 1:
            data = self.user_data()
            if data is None:
                raise NotFound(path)
            return data
        if parts[0] != "meta-data":
            raise NotFound(path)
        node = self.ec2_meta_data()
        for part in parts[1:]:
            if not isinstance(node, dict):
                raise NotFound(path)
            if part in node:
                node = node[part]
                continue
            # public-keys/0 names the first key as "0=name" does.
            matches = [key for key in node if key.split("=", 1)[0] == part]
            if not matches:
                raise NotFound(path)
            node = node[matches[0]]
        if isinstance(node, dict):
            return _listing(key + "/" if isinstance(value, dict) else key
                            for key, value in node.items())
        return node.encode("utf-8")

    # The config drive -----------------------------------------------------

    def files(self):
        """{path: bytes} of a config drive: openstack/<version>/... for
        every version and latest, and ec2/<version>/meta-data.json."""
        files = {}
        for version in OPENSTACK_VERSIONS + [LATEST]:
            for name, data in self.openstack_files().items():
                files["openstack/%s/%s" % (version, name)] = data
        for version in ("2009-04-04", LATEST):
            files["ec2/%s/meta-data.json" % version] = _json(
                self.ec2_meta_data())
            user_data = self.user_data()
            if user_data is not None:
                files["ec2/%s/user-data" % version] = user_data
        return files


def _json(document):
    return json.dumps(document).encode("utf-8")


def _listing(names):
    return "\n".join(names).encode("utf-8")
