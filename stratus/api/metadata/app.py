"""The metadata WSGI application (OpenStack and EC2 trees).

It runs in the API process (it reads the cell databases; a compute host
has none) and answers each guest about itself: the instance is the live
one on ``[DEFAULT] host`` (the compute host whose bridge the metadata
address is on) holding the request's source address as a fixed IP.
Requests from any other address get 404.

Behind the network service's metadata proxies (``[neutron]
service_metadata_proxy``, as Nova's) the instance is the one the proxy
names in X-Instance-ID, signed by X-Instance-ID-Signature (HMAC-SHA256 of
it under ``metadata_proxy_shared_secret``): a header missing is 400, a
bad signature 403, an instance of another project than X-Tenant-ID 404.
"""
import hashlib
import hmac
import re

import webob

from stratus.metadata import content
from stratus.api.metadata import routes
from stratus.api import errors
from stratus.api import wsgi
from stratus import context as stratus_context
from stratus import exception
from stratus.objects import cell_mapping
from stratus.objects import instance as instance_obj
from stratus.objects import instance_password

_EXPECTED = ["metadata", "keypairs", "system_metadata"]


class MetadataApp(wsgi.Application):
    def __init__(self, conf, databases, host=None):
        self.conf = conf
        self.databases = databases
        self.host = host or conf.host
        self.router = wsgi.Router(wsgi.resolve_routes(
            routes.ROUTES, "stratus.api.metadata"))

    def find_instance(self, address):
        """The live instance of this host with fixed IP address, or None."""
        ctx = stratus_context.get_admin_context(self.databases)
        ip_filter = "^%s$" % re.escape(address)
        for cell in cell_mapping.CellMappingList.get_all(ctx).host_cells():
            with ctx.target_cell(cell.uuid) as cctx:
                found = instance_obj.InstanceList.get_by_filters(
                    cctx, {"host": self.host, "deleted": False,
                           "ip": ip_filter}, expected_attrs=_EXPECTED)
            if len(found):
                return found[0]
        return None

    def find_instance_by_id(self, instance_id):
        """The live instance instance_id, or None."""
        ctx = stratus_context.get_admin_context(self.databases)
        for cell in cell_mapping.CellMappingList.get_all(ctx).host_cells():
            with ctx.target_cell(cell.uuid) as cctx:
                try:
                    return instance_obj.Instance.get_by_uuid(
                        cctx, instance_id, expected_attrs=_EXPECTED)
                except exception.InstanceNotFound:
                    continue
        return None

    def proxied_instance(self, req):
        """The instance a metadata proxy's request names (Nova's
        _handle_instance_id_request)."""
        headers = req.headers
        for name in ("X-Instance-ID", "X-Instance-ID-Signature",
                     "X-Tenant-ID"):
            if headers.get(name) is None:
                raise errors.bad_request("%s header is missing from "
                                         "request." % name)
        instance_id = headers["X-Instance-ID"]
        secret = self.conf.neutron.metadata_proxy_shared_secret or ""
        expected = hmac.new(secret.encode(), instance_id.encode(),
                            hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(),
                                   headers["X-Instance-ID-Signature"]
                                   .encode("utf-8", "replace")):
            raise errors.forbidden("Invalid proxy request signature.")
        instance = self.find_instance_by_id(instance_id)
        if instance is None or instance.project_id != headers["X-Tenant-ID"]:
            raise errors.not_found("Instance %s is not found."
                                   % errors.truncate(instance_id))
        return instance

    def set_password(self, instance, text):
        """Keep the password the guest posted; 409 when one is kept (it
        is set once until a user clears it)."""
        ctx = stratus_context.get_admin_context(self.databases)
        with ctx.target_cell(instance.cell_uuid) as cctx:
            instance_password.set_once(cctx, instance.uuid, text)

    def metadata_for(self, req):
        if self.conf.neutron.service_metadata_proxy:
            return content.InstanceMetadata(self.proxied_instance(req))
        address = req.remote_addr or ""
        instance = self.find_instance(address) if address else None
        if instance is None:
            raise errors.not_found("No instance has the address %s"
                                   % address)
        return content.InstanceMetadata(instance)

    def error_response(self, req, exc):
        # Guests' tools (cloud-init, wget) read status codes and text.
        status, message = errors.status_and_message(
            exc, req.environ.get("openstack.request_id"))
        return webob.Response(status=status, body=message.encode("utf-8"),
                              content_type="text/plain", charset="utf-8")


def make_app(conf, databases, host=None):
    return MetadataApp(conf, databases, host)
