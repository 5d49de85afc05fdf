"""Hostile input for the five APIs, driven by their route tables: the one
corpus the in-suite test (tests/functional/api_robustness) and the fuzzer
against a running cloud (tools/fuzz_api.py) both send.

A ``Probe`` is one request as bytes on the wire would carry it: the path
and query already percent-encoded (ASCII only), headers, a body and
whether the body goes without a Content-Length (chunked). ``problems``
says what is wrong with an answer: a 5xx, an error body not in the API's
own format, an error message that echoes too much, or an expected status
(413 for an oversized body) not given.
"""
import dataclasses
import json
import random
import re
import urllib.parse

from stratus.api.compute import routes as compute_routes
from stratus.api import errors
from stratus.api.identity import routes as identity_routes
from stratus.api.image import routes as image_routes
from stratus.api import input_guard
from stratus.api.metadata import routes as metadata_routes
from stratus.api.network import routes as network_routes
from stratus.api.placement import routes as placement_routes
from stratus.api.volume import routes as volume_routes

JSON = "application/json"
# Bigger than [oslo_middleware] max_request_body_size's default.
OVERSIZED = input_guard.DEFAULT_MAX_BODY + 1024
# An error body may quote the request, but only so much of it.
MAX_ERROR_BODY = 8192

# Path parameter values, percent-encoded as they travel.
PATH_VALUES = [
    "00000000-0000-0000-0000-000000000000",
    "does-not-exist",
    "%FF",                              # not UTF-8
    "%C0%AF",                           # overlong UTF-8 for '/'
    "%ED%A0%80",                        # a UTF-16 surrogate in UTF-8
    "%E4%B8%AD%E6%96%87",               # not latin-1 (headers are)
    "%E2%98%83",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "x" * 300,
    "%27%20OR%201%3D1%20--",
    "-1",
    "0",
    "2147483648",                       # one past a 32-bit column
    "99999999999999999999",
    "1e400",
    "%20",
]
QUICK_PATH_VALUES = ["00000000-0000-0000-0000-000000000000", "%FF",
                     "%E4%B8%AD%E6%96%87", "99999999999999999999", "%00"]

QUERIES = [
    "?tags=%FF", "?%FF=1", "?name=%C0%AF", "?limit=99999999999999999999",
    "?limit=-1", "?limit=abc", "?limit=%C2%B2", "?marker=%FF%FE",
    "?marker=does-not-exist", "?name=%00", "?id=%E4%B8%AD",
    "?sort_key=__class__&sort_dir=sideways", "?changes-since=yesterday",
    "?all_tenants=maybe&project_id=%00", "?name=%5Binvalid(regex",
    "?resources=VCPU:99999999999999999999", "?resources=:,:",
    "?member_of=in:", "?required=!", "?size_min=99999999999999999999",
    "?a=1&a=2&a=3", "?name=" + "x" * 5000, "?" + "&".join(
        "k%d=v" % number for number in range(300)),
]
QUICK_QUERIES = ["?tags=%FF", "?%FF=1", "?limit=99999999999999999999",
                 "?marker=%FF%FE", "?name=%00"]


def _nested(depth, leaf=b"1"):
    return b'{"a":' * depth + leaf + b"}" * depth


# (label, body, Content-Type, chunked[, headers]): every write route gets
# each (with those headers instead of the API's usual ones, if given).
BODIES = [
    ("empty", b"", JSON, False),
    ("truncated", b"{", JSON, False),
    ("not json", b"not json", JSON, False),
    ("null", b"null", JSON, False),
    ("list", b"[]", JSON, False),
    ("string", b'"string"', JSON, False),
    ("number", b"12", JSON, False),
    ("not utf-8", b'{"name": "\xff\xfe"}', JSON, False),
    ("NaN", b'{"name": NaN, "total": NaN}', JSON, False),
    ("Infinity", b'{"total": Infinity}', JSON, False),
    ("1e400", b'{"total": 1e400, "ram": 1e400}', JSON, False),
    ("5000 digits", b'{"total": ' + b"9" * 5000 + b"}", JSON, False),
    ("huge int", json.dumps({"total": 2 ** 70, "ram": 2 ** 70,
                             "id": 2 ** 70}).encode(), JSON, False),
    ("nested 65", _nested(65), JSON, False),
    ("nested 1000 arrays", b"[" * 1000 + b"]" * 1000, JSON, False),
    ("nested 1000 objects", _nested(1000), JSON, False),
    ("100k open brackets", b"[" * 100000, JSON, False),
    ("NUL escape", json.dumps({"name": "a\u0000b"}).encode(), JSON, False),
    ("raw NUL", b'{"name": "a\x00b"}', JSON, False),
    ("not latin-1", json.dumps({"name": "\u540d\u524d\u2603",
                                "\u540d": "\u2603"}).encode(), JSON, False),
    ("long key", json.dumps({"a" * 1000: {"b": [1, {"c": None}] * 50}}
                            ).encode(), JSON, False),
    ("100 kB value", json.dumps({"name": "n" * 100000}).encode(), JSON,
     False),
    ("oversized", json.dumps({"name": "n" * OVERSIZED}).encode(), JSON,
     False),
    ("oversized chunked", json.dumps({"name": "n" * OVERSIZED}).encode(),
     JSON, True),
    ("small chunked", b'{"name": "chunked"}', JSON, True),
]
QUICK_BODIES = ["empty", "not json", "not utf-8", "NaN", "huge int",
                "nested 1000 arrays", "nested 1000 objects", "NUL escape",
                "not latin-1", "100 kB value", "oversized",
                "oversized chunked", "console 2.1", "console 2.5",
                "console serial", "share junk"]

CONTENT_TYPES = ["text/plain", "application/xml", "multipart/form-data",
                 "application/x-www-form-urlencoded",
                 "application/openstack-images-v2.1-json-patch",
                 "application/octet-stream", "application/json; charset=x"]

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
_WRITE = ("POST", "PUT", "PATCH")
_PARAM = re.compile(r"\{(\w+)\}")


@dataclasses.dataclass
class Probe:
    api: str
    method: str
    path: str
    label: str
    body: bytes = None
    content_type: str = None
    chunked: bool = False
    expect: tuple = ()      # statuses that alone are right, if any
    headers: dict = None    # instead of the API's usual ones
    # 501 is this route's answer by design (a proxy to a service the
    # cloud has not: the bare metal nodes), not a server error.
    not_implemented: bool = False

    def request_headers(self, spec):
        """The headers to send (the spec's unless the probe has its own)."""
        return dict(self.headers or spec.headers, Accept="application/json")

    def describe(self):
        size = "" if self.body is None else " (%d bytes%s)" % (
            len(self.body), ", chunked" if self.chunked else "")
        return "%s %s %s [%s]%s" % (self.api, self.method, self.path[:200],
                                    self.label, size)


# Error formats -------------------------------------------------------------

def compute_error_message(status, body):
    (name, fault), = body.items()
    assert name in set(errors.FAULT_NAMES.values()) | {"computeFault"}
    assert fault["code"] == status
    return fault["message"]


def _placement_error(status, body):
    (error,), = [body["errors"]]
    assert error["status"] == status
    return error["detail"]


def _identity_error(status, body):
    error = body["error"]
    assert error["code"] == status
    return error["message"]


def _metadata_error(status, text):
    # guests' tools read plain text
    assert isinstance(text, str) and text.strip()
    return text


def _network_error(status, body):
    # Neutron's {"NeutronError": {"type", "message", "detail"}}
    error = body["NeutronError"]
    assert error["type"] and "detail" in error
    return error["message"]


def _image_error(status, body):
    # webob's JSON error (Glance's): code is "404 Not Found"
    assert str(body["code"]).startswith(str(status))
    assert body["title"]
    return body["message"]


@dataclasses.dataclass
class ApiSpec:
    name: str
    routes: dict
    error_message: object      # (status, document) -> message, asserts
    headers: dict
    extra_bodies: list = dataclasses.field(default_factory=list)
    streamed: frozenset = frozenset()
    # Other headers every path is tried with too (older microversions,
    # where removed routes such as the image proxy still answer).
    other_headers: list = dataclasses.field(default_factory=list)
    json_errors: bool = True   # else plain text
    # (route template, method) that answer 501 Not Implemented by design.
    not_implemented: frozenset = frozenset()


def _compute_bodies():
    return [(label, json.dumps(document).encode(), JSON, False)
            for label, document in (
                ("server null", {"server": None}),
                ("flavor types", {"flavor": {"name": 1, "ram": "x",
                                             "vcpus": 2 ** 70}}),
                ("server junk", {"server": {
                    "name": "\u0000" * 10, "flavorRef": {"x": 1},
                    "imageRef": ["a"], "min_count": -5,
                    "accessIPv6": "0000:0000:0000:0000:0000:babe:"
                                  "220.12.22.2" + "0" * 50}}),
                ("metadata long", {"metadata": {"k" * 300: "v" * 300}}),
                ("lock reason", {"lock": {"locked_reason": 5}}),
                ("keypair", {"keypair": {"name": "../../x",
                                         "public_key": "garbage"}}),
                ("tags", {"tags": ["\u540d" * 100, "%FF", "a,b"]}),
                ("quota", {"quota_set": {"instances": 2 ** 70}}),
                ("aggregate", {"aggregate": {"name": "\u2603" * 300,
                                             "availability_zone": 5}}),
                ("action huge", {"os-getConsoleOutput": {"length": 2 ** 70}}),
            )] + [
        # The console actions exist up to 2.5 only.
        (label, json.dumps(document).encode(), JSON, False,
         {"OpenStack-API-Version": "compute %s" % version})
        for label, version, document in (
            ("console 2.1", "2.1", {"os-getVNCConsole": {
                "type": "\u2603" * 300}}),
            ("console 2.5", "2.5", {"os-getRDPConsole": {
                "type": 2 ** 70}}),
            ("console null", "2.1", {"os-getSerialConsole": None}),
            ("console serial", "2.1", {"os-getSerialConsole": {
                "type": "serial"}}),
            ("console spice", "2.5", {"os-getSPICEConsole": {
                "type": "spice-html5", "x": [None] * 100}}),
            # The bare metal proxy answers up to 2.35 only.
            ("baremetal interface", "2.35", {"add_interface": {
                "address": 2 ** 70}}),
            ("baremetal node", "2.35", {"node": {"cpus": "\u2603" * 300}}),
            # Server shares exist from 2.97.
            ("share junk", "2.97", {"share": {
                "share_id": "\u0000" * 300, "tag": ["x"] * 100}}),
            ("share tag", "2.97", {"share": {
                "share_id": "e8debdc0-447a-4376-a10a-4cd9122d7986",
                "tag": "-" * 300}}),
            # The network proxies answer up to 2.35, their actions to 2.43
            # (the security group ones at every version).
            ("security group junk", "2.35", {"security_group": {
                "name": ["x"], "description": {"x": 1}}}),
            ("security group long", "2.35", {"security_group": {
                "name": "\u2603" * 300, "description": "\u0000"}}),
            ("rule junk", "2.35", {"security_group_rule": {
                "parent_group_id": "\u2603" * 300, "ip_protocol": 2 ** 70,
                "from_port": [1], "to_port": {"x": 1}, "cidr": 2 ** 70,
                "group_id": {"x": 1}}}),
            ("rule huge ports", "2.35", {"security_group_rule": {
                "parent_group_id": "00000000-0000-0000-0000-000000000000",
                "ip_protocol": "tcp", "from_port": 2 ** 70,
                "to_port": -(2 ** 70), "cidr": "::/0"}}),
            ("floating pool junk", "2.35", {"pool": {"x": [1]}}),
            ("add security group junk", "2.1", {"addSecurityGroup": {
                "name": 2 ** 70}}),
            ("remove security group junk", "2.90", {
                "removeSecurityGroup": ["x"]}),
            ("add floating ip junk", "2.43", {"addFloatingIp": {
                "address": "\u2603" * 300, "fixed_address": 2 ** 70}}),
            ("remove floating ip", "2.43", {"removeFloatingIp": {
                "address": "10.0.0.1"}}),
            ("add fixed ip junk", "2.43", {"addFixedIp": {
                "networkId": "\u2603" * 300}}),
            ("add fixed ip number", "2.43", {"addFixedIp": {
                "networkId": 2 ** 70}}),
            ("remove fixed ip junk", "2.43", {"removeFixedIp": {
                "address": 2 ** 70}}),
        )]


def _placement_bodies():
    return [(label, json.dumps(document).encode(), JSON, False)
            for label, document in (
                ("inventory huge", {"resource_provider_generation": -1,
                                    "inventories": {"VCPU": {
                                        "total": 2 ** 70}}}),
                ("generation string", {"resource_provider_generation": "0",
                                       "inventories": {"VCPU": {
                                           "total": 1,
                                           "allocation_ratio": "x"}}}),
                ("allocations", {"allocations": [{"resource_provider": {
                    "uuid": 5}, "resources": []}]}),
                ("traits long", {"traits": ["a" * 1000],
                                 "resource_provider_generation": 0}),
                ("aggregates null", {"aggregates": [None],
                                     "resource_provider_generation": 0}),
                ("consumer", {"00000000-0000-0000-0000-000000000000": {
                    "allocations": {}, "project_id": "p", "user_id": "u",
                    "consumer_generation": 2 ** 70, "consumer_type": "x"}}),
            )]


def _identity_bodies():
    return [(label, json.dumps(document).encode(), JSON, False)
            for label, document in (
                ("auth junk", {"auth": {"identity": {
                    "methods": ["password"], "password": {"user": {
                        "name": "\u540d" * 300, "password": None}}}}}),
                ("auth deep", {"auth": {"identity": {"methods": [[[[]]]]}}}),
                ("user", {"user": {"name": "\u2603" * 1000,
                                   "enabled": "maybe"}}),
                ("project", {"project": {"name": None, "parent_id": 2 ** 70}}),
                ("group", {"group": {"name": "\u2603" * 1000,
                                     "domain_id": 2 ** 70}}),
            )]


def _image_bodies():
    return [(label, json.dumps(document).encode(), content_type, False)
            for label, document, content_type in (
                ("image junk", {"name": "\u540d" * 300, "min_ram": 2 ** 70,
                                "disk_format": "x" * 1000}, JSON),
                ("patch junk", [{"op": "add", "path": "/\u2603" * 50,
                                 "value": 2 ** 70}],
                 "application/openstack-images-v2.1-json-patch"),
                ("patch deep", [{"op": "replace", "path": "/name",
                                 "value": [[[["x"]]]]}],
                 "application/openstack-images-v2.1-json-patch"),
            )]


def _network_bodies():
    return [(label, json.dumps(document).encode(), JSON, False)
            for label, document in (
                ("network junk", {"network": {
                    "name": "\u540d" * 300, "mtu": 2 ** 70,
                    "provider:segmentation_id": -(2 ** 70),
                    "shared": "\u2603", "router:external": [[[]]]}}),
                ("bulk junk", {"networks": [{"name": 1}, None, []]}),
                ("nested junk", {"network": [[[["x"]]]]}),
                ("security group junk", {"security_group": {
                    "name": "\u540d" * 300, "stateful": {"a": 1}}}),
                ("rule junk", {"security_group_rule": {
                    "security_group_id": "\u2603" * 300,
                    "direction": [], "protocol": 2 ** 70,
                    "port_range_min": -(2 ** 70), "port_range_max": "\u2603",
                    "ethertype": 4, "remote_ip_prefix": "1.2.3.4/99",
                    "remote_group_id": {"x": 1}}}),
                ("rule bulk junk", {"security_group_rules": [
                    {"protocol": "tcp", "port_range_min": 1e308}, 7]}),
                ("quota junk", {"quota": {
                    "network": 2 ** 70, "port": "\u2603", "subnet": [],
                    "\u2603": 1, "check_limit": "x"}}),
                ("subnet junk", {"subnet": {
                    "cidr": "\u2603/99", "ip_version": 2 ** 70,
                    "gateway_ip": "::ffff:1.2.3.4/0",
                    "allocation_pools": [{"start": 7, "end": None}],
                    "dns_nameservers": ["\u540d" * 300],
                    "host_routes": [{"destination": "0/0", "nexthop": []}],
                    "network_id": "\u0000"}}),
                ("port junk", {"port": {
                    "network_id": "x" * 300, "mac_address": "ff" * 40,
                    "fixed_ips": [{"ip_address": "999.1.1.1"}, "x"],
                    "allowed_address_pairs": [{"ip_address": 1}],
                    "binding:profile": [[[]]],
                    "binding:vnic_type": "\u2603",
                    "security_groups": ["../../"]}}),
                ("binding junk", {"binding": {
                    "host": "\u0000" * 300, "profile": "x",
                    "vnic_type": 2 ** 70}}),
                ("router junk", {"router": {
                    "external_gateway_info": {
                        "network_id": "\u2603", "enable_snat": [],
                        "external_fixed_ips": [{"ip_address": 2 ** 70}]},
                    "routes": [{"destination": "x", "nexthop": None}]}}),
                ("router gateway types", {"router": {
                    "external_gateway_info": [1],
                    "routes": {"destination": 5}}}),
                ("interface junk", {"subnet_id": ["x"], "port_id": 2 ** 70}),
                ("floatingip junk", {"floatingip": {
                    "floating_network_id": None,
                    "floating_ip_address": "999.1.1.1",
                    "port_id": {"x": 1}, "fixed_ip_address": 2 ** 70,
                    "subnet_id": "\u540d" * 300}}),
            )]


def _volume_bodies():
    """Bodies of the block storage service's own shapes, wrong."""
    return [(name, json.dumps(body).encode(), JSON, False)
            for name, body in (
        ("volume junk", {"volume": {
            "size": 2 ** 70, "name": {"x": 1}, "metadata": [],
            "volume_type": 7, "snapshot_id": "\u2603" * 300,
            "imageRef": None, "multiattach": "maybe"}}),
        ("volume size string", {"volume": {"size": "9" * 40}}),
        ("attachment junk", {"attachment": {
            "volume_uuid": "\u0000", "instance_uuid": [],
            "connector": "x" * 300, "mode": 2 ** 70}}),
        ("action junk", {"os-extend": {"new_size": 2 ** 70},
                         "os-reset_status": None}),
        ("extend junk", {"os-extend": {"new_size": "\u540d"}}),
        ("reset junk", {"os-reset_status": {"status": 2 ** 70}}),
        ("quota junk", {"quota_set": {"volumes": 2 ** 70,
                                      "gigabytes": "x"}}),
        ("type junk", {"volume_type": {"name": "\u0000" * 300,
                                       "extra_specs": [1]}}),
        ("snapshot junk", {"snapshot": {"volume_id": 2 ** 70,
                                        "force": "x", "metadata": 1}}),
        ("metadata junk", {"metadata": {"": 2 ** 70}, "meta": []}),
    )]


def specs():
    """The five APIs and the metadata service as the corpus sees them,
    by name."""
    return {
        "compute": ApiSpec(
            "compute", compute_routes.answered(),
            compute_error_message, {"OpenStack-API-Version": "compute latest"},
            _compute_bodies(),
            other_headers=[{"OpenStack-API-Version": "compute 2.1"}],
            not_implemented=frozenset([
                ("/v2.1/os-baremetal-nodes", "GET"),
                ("/v2.1/os-baremetal-nodes/{node_id}", "GET")])),
        "placement": ApiSpec(
            "placement", placement_routes.ROUTES, _placement_error,
            {"OpenStack-API-Version": "placement latest"},
            _placement_bodies()),
        "identity": ApiSpec(
            "identity", identity_routes.ROUTES, _identity_error, {},
            _identity_bodies()),
        "image": ApiSpec(
            "image", image_routes.ROUTES, _image_error, {},
            _image_bodies(),
            streamed=frozenset([("/v2/images/{image_id}/file", "PUT")])),
        "network": ApiSpec(
            "network", network_routes.ROUTES, _network_error, {},
            _network_bodies()),
        "metadata": ApiSpec(
            "metadata", metadata_routes.ROUTES, _metadata_error, {},
            json_errors=False),
        # Cinder's error bodies are Nova's shape.
        "volume": ApiSpec(
            "volume", volume_routes.ROUTES, compute_error_message,
            {"OpenStack-API-Version": "volume latest"}, _volume_bodies(),
            other_headers=[{"OpenStack-API-Version": "volume 3.0"}]),
    }


# Probes --------------------------------------------------------------------

def _fill(template, value):
    return _PARAM.sub(lambda match: value, template)


# Where real ids come from: (api, list path, collection key, id key,
# the path parameters they fill).
SEED_SOURCES = [
    ("compute", "/v2.1/servers", "servers", "id", ("server_id",)),
    ("compute", "/v2.1/flavors", "flavors", "id", ("flavor_id",)),
    ("compute", "/v2.1/os-aggregates", "aggregates", "id",
     ("aggregate_id",)),
    ("compute", "/v2.1/os-keypairs", "keypairs", "keypair.name",
     ("keypair_name",)),
    ("compute", "/v2.1/os-server-groups", "server_groups", "id",
     ("server_group_id",)),
    ("compute", "/v2.1/os-hypervisors", "hypervisors", "id",
     ("hypervisor_id",)),
    ("placement", "/resource_providers", "resource_providers", "uuid",
     ("uuid",)),
    ("identity", "/v3/users", "users", "id", ("user_id",)),
    ("identity", "/v3/projects", "projects", "id", ("project_id",)),
    ("identity", "/v3/roles", "roles", "id", ("role_id",)),
    ("identity", "/v3/groups", "groups", "id", ("group_id",)),
    ("image", "/v2/images", "images", "id", ("image_id",)),
    ("image", "/v2/metadefs/namespaces", "namespaces", "namespace",
     ("namespace_name",)),
    ("network", "/v2.0/networks", "networks", "id", ("network_id",)),
    ("network", "/v2.0/security-groups", "security_groups", "id",
     ("security_group_id",)),
    ("network", "/v2.0/security-group-rules", "security_group_rules", "id",
     ("security_group_rule_id", "rule_id")),
    ("network", "/v2.0/subnets", "subnets", "id", ("subnet_id",)),
    ("network", "/v2.0/ports", "ports", "id", ("port_id",)),
    ("network", "/v2.0/routers", "routers", "id", ("router_id",)),
    ("network", "/v2.0/floatingips", "floatingips", "id",
     ("floatingip_id", "floating_ip_id")),
    ("volume", "/v3/volumes", "volumes", "id", ("volume_id",)),
    ("volume", "/v3/snapshots", "snapshots", "id", ("snapshot_id",)),
    ("volume", "/v3/attachments", "attachments", "id", ("attachment_id",)),
    ("volume", "/v3/types", "volume_types", "id", ("type_id",)),
]
# Parameters whose real values are well known.
KNOWN_SEEDS = {"domain_id": "default", "resource_class": "VCPU",
               "name": "VCPU", "version": "v2.1"}


def discover_seeds(get_json):
    """{path parameter: a real value} from the cloud's own lists;
    get_json(api, path) is the document of a GET (None if it failed)."""
    seeds = dict(KNOWN_SEEDS)
    for api, path, collection, key, params in SEED_SOURCES:
        document = get_json(api, path) or {}
        items = document.get(collection) or []
        if not items:
            continue
        value = items[0]
        for part in key.split("."):
            value = value.get(part, {}) if isinstance(value, dict) else {}
        if value not in ({}, None, ""):
            for param in params:
                seeds[param] = urllib.parse.quote(str(value), safe="")
    return seeds


def _fill(template, values):
    """The template with each parameter from values (name -> value),
    the zero UUID where values has none."""
    return _PARAM.sub(lambda match: values.get(
        match.group(1), PATH_VALUES[0]), template)


def probes(spec, thorough=True, seeds=None):
    """Every probe of the corpus for one API (a smaller sample unless
    thorough): each route with each path value in each parameter (the
    others real ids from seeds where known) and method, each write route
    with each body and content type, each readable route with each
    query."""
    seeds = seeds or {}
    path_values = PATH_VALUES if thorough else QUICK_PATH_VALUES
    queries = QUERIES if thorough else QUICK_QUERIES
    bodies = BODIES + spec.extra_bodies
    if not thorough:
        bodies = [body for body in bodies if body[0] in QUICK_BODIES]
    for template in sorted(spec.routes):
        declared = spec.routes[template]
        params = _PARAM.findall(template)
        sample = _fill(template, seeds)
        paths = [template] if not params else sorted({
            _fill(template, dict(seeds, **{param: value}))
            for param in params for value in path_values} - {sample})
        def unimplemented(method):
            return (template, "GET" if method == "HEAD" else method) \
                in spec.not_implemented
        for headers in [None] + spec.other_headers:
            for path in paths:
                for method in METHODS:
                    if method in declared or thorough:
                        yield Probe(spec.name, method, path, "path",
                                    headers=headers,
                                    not_implemented=unimplemented(method))
            if params:
                # Real resources are only read: the corpus must not delete
                # the cloud it runs against.
                for method in ("GET", "HEAD"):
                    if method in declared or thorough:
                        yield Probe(spec.name, method, sample, "real ids",
                                    headers=headers,
                                    not_implemented=unimplemented(method))
        for method in _WRITE:
            if method not in declared:
                continue
            for label, body, content_type, chunked, *headers in bodies:
                expect = ()
                if (len(body) > input_guard.DEFAULT_MAX_BODY
                        and (template, method) not in spec.streamed):
                    expect = (413,)
                yield Probe(spec.name, method, sample, label, body,
                            content_type, chunked, expect,
                            headers=headers[0] if headers else None)
            for content_type in (CONTENT_TYPES if thorough
                                 else CONTENT_TYPES[:3]):
                yield Probe(spec.name, method, sample, "content type",
                            b'{"\\u2603 no such key": "x"}', content_type)
        if "GET" in declared:
            for query in queries:
                yield Probe(spec.name, "GET", sample + query, "query",
                            not_implemented=unimplemented("GET"))


def sample(all_probes, count, seed=0):
    """count probes spread over the whole list (all of them if fewer)."""
    all_probes = list(all_probes)
    if count >= len(all_probes):
        return all_probes
    return random.Random(seed).sample(all_probes, count)


# Answers -------------------------------------------------------------------

def problems(spec, probe, status, content_type, body, headers=()):
    """What is wrong with the answer (status, Content-Type, body bytes and
    (name, value) headers) to probe: a list of sentences, empty when it is
    right."""
    found = []
    for name, value in headers:
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            # an HTTP server cannot send it: a 500 on the wire
            found.append("header %s is not latin-1: %r" % (name, value))
    if status >= 500 and not (status == 501 and probe.not_implemented):
        found.append("server error %d" % status)
    if probe.expect and status not in probe.expect:
        found.append("status %d, expected %s" % (status, probe.expect))
    if status < 400 or probe.method == "HEAD":
        return found
    if len(body) > MAX_ERROR_BODY:
        found.append("error body of %d bytes" % len(body))
    try:
        text = body.decode("utf-8")
        document = json.loads(text) if spec.json_errors else text
        message = spec.error_message(status, document)
        assert isinstance(message, str) and message
        assert "Traceback" not in message
    except Exception as exc:  # noqa: BLE001 - any misfit is the finding
        found.append("not a %s error body (%s: %s): %r" % (
            spec.name, type(exc).__name__, exc, body[:200]))
    return found
