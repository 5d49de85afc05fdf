"""The service catalog: Stratus's own endpoints, built from the config at
each request (ports chosen by the OS at start are known by then).

Handlers for /v3/services and /v3/endpoints show the same data.
"""
import uuid

from stratus.api.identity import access
from stratus.api.identity import views

_ID_NAMESPACE = uuid.UUID("6f1c7f0e-3c1b-4a5e-9a55-2f0d6c0b7a11")
INTERFACES = ("public", "internal", "admin")


def _services(conf):
    """(type, name, port, path) of each service Stratus serves."""
    return (
        ("compute", "nova", conf.osapi_compute_listen_port, "/v2.1"),
        ("identity", "keystone", conf.identity.port, "/v3"),
        ("image", "glance", conf.glance.port, ""),
        ("network", "neutron", conf.neutron.port, ""),
        ("placement", "placement", conf.placement_api.port, ""),
        # The built-in block storage service, as DevStack names it: the
        # project id in volumev3's URLs, optional since 3.67.
        ("block-storage", "cinder", conf.cinder.port, "/v3"),
        ("volumev3", "cinderv3", conf.cinder.port, "/v3/$(project_id)s"),
    )


def _stable_id(*parts):
    return uuid.uuid5(_ID_NAMESPACE, "/".join(parts)).hex


def build_catalog(conf, project_id=None, without_project=False):
    """The catalog in the shape tokens carry it ($(project_id)s in a URL
    is the token's project when given, as Keystone substitutes it; with
    without_project, a domain-scoped token's catalog, such endpoints are
    left out)."""
    host = conf.identity.public_host
    if ":" in host:
        host = "[%s]" % host
    region = conf.identity.region_name
    catalog = []
    for service_type, name, port, path in _services(conf):
        url = "http://%s:%d%s" % (host, port, path)
        if project_id is not None:
            url = url.replace("$(project_id)s", project_id)
        interfaces = INTERFACES
        if without_project and "$(project_id)s" in url:
            interfaces = ()
        catalog.append({
            "id": _stable_id(service_type),
            "type": service_type,
            "name": name,
            "endpoints": [{"id": _stable_id(service_type, interface),
                           "interface": interface, "region": region,
                           "region_id": region, "url": url}
                          for interface in interfaces],
        })
    return catalog


def list_services(req):
    access.require_admin(req)
    services = [{"id": entry["id"], "type": entry["type"],
                 "name": entry["name"], "enabled": True,
                 "links": {"self": views.url(req, "services", entry["id"])}}
                for entry in build_catalog(req.app.conf)]
    return views.collection(req, "services", services)


def list_endpoints(req):
    access.require_admin(req)
    endpoints = []
    for entry in build_catalog(req.app.conf):
        for endpoint in entry["endpoints"]:
            endpoints.append(dict(
                endpoint, service_id=entry["id"], enabled=True,
                links={"self": views.url(req, "endpoints", endpoint["id"])}))
    return views.collection(req, "endpoints", endpoints)
