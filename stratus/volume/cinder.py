"""The block storage service as the rest of Stratus sees it: the client
the compute API, the conductor and the computes use to talk to Cinder — a
real one or Stratus's built-in one (stratus volume) — over the Cinder v3
REST API only.

``CinderAPI.from_conf`` chooses the transport (stratus.rest_transport),
as Nova's cinder client finds Cinder:

- ``[cinder] endpoint_override`` (keystoneauth's adapter option) or
  ``endpoint_template`` (``%(project_id)s`` filled from the caller) set:
  HTTP to it;
- otherwise, in keystone mode, HTTP to the endpoint of the caller's
  service catalog that ``catalog_info`` names
  (``<service_type>:<service_name>:<interface>``; volumev3 and
  block-storage stand for each other) in ``os_region_name``, else of the
  service user's catalog;
- otherwise the built-in block storage app in this process when the
  caller serves it (the all-in-one, tests), or HTTP to the built-in
  service's own address (``[cinder] listen`` and ``port``).

An endpoint may or may not end with the project id (``.../v3/<project>``,
``.../v3`` or the bare root): paths are built so that all three work.
Requests carry the caller's token and request id and
``OpenStack-API-Version: volume 3.x`` as each call needs; a context
without a token uses the service user of [cinder]'s keystoneauth options,
and over HTTP a caller's request carries that service user's token too
(``X-Service-Token``, as Nova's send_service_user_token).
Idempotent calls (GET, PUT, DELETE) are tried ``http_retries`` more times
when the service cannot be reached or answers 502/503/504. Cinder's
errors (``{"itemNotFound": {"code", "message"}}``) become the Volume*
exceptions of stratus.exception (``_error``), keeping Cinder's error key
as ``cinder_type``.
"""
import copy
import json
import logging
import time
import urllib.parse

from stratus import client_exception
from stratus import exception
from stratus import rest_transport

LOG = logging.getLogger(__name__)

SERVICE_TYPES = ("volumev3", "block-storage")
_JSON = "application/json"
_RETRIABLE = (502, 503, 504)
_IDEMPOTENT = ("GET", "PUT", "DELETE", "HEAD")

# The microversions the calls need (Cinder's REST API history).
BASE = "3.0"
IN_USE_EXTEND = "3.42"
ATTACHMENTS = "3.44"
ATTACH_MODE = "3.54"
REIMAGE = "3.68"
EXTEND_COMPLETION = "3.71"


def _unavailable(reason):
    return client_exception.VolumeServiceUnavailable(reason=reason)


def parse_catalog_info(value):
    """(service_type, service_name, interface) of a catalog_info value
    ``volumev3::publicURL``: interface 'public' (publicURL, public ...)."""
    parts = (value or "").split(":")
    if len(parts) != 3:
        raise client_exception.VolumeServiceError(
            reason="[cinder] catalog_info must be <service_type>:"
                   "<service_name>:<interface>, not %r" % value)
    service_type, service_name, interface = (part.strip() for part in parts)
    if interface.endswith("URL"):
        interface = interface[:-3]
    return (service_type or "volumev3", service_name or None,
            interface or "public")


def _service_types(service_type):
    """The catalog types that name the block storage service asked for:
    volumev3 and block-storage stand for each other."""
    if service_type in SERVICE_TYPES:
        return (service_type,) + tuple(other for other in SERVICE_TYPES
                                       if other != service_type)
    return (service_type,)


def catalog_endpoint(catalog, catalog_info, region=None):
    """The URL of the block storage service in a service catalog (the v3
    shape or keystonemiddleware's), as catalog_info names it; None if it
    names none."""
    service_type, service_name, interface = parse_catalog_info(catalog_info)
    entries = [entry for entry in catalog or ()
               if isinstance(entry, dict) and (
                   service_name is None or entry.get("name") == service_name)]
    for kind in _service_types(service_type):
        url = rest_transport.catalog_endpoint(entries, kind, [interface],
                                              region)
        if url:
            return url
    return None


def versioned_base(url, project_id):
    """The base URL of volume requests at an endpoint: the endpoint itself
    when it names a project (``.../v3/<project>``), ``.../v3/<project>``
    for one that ends with the version, ``<root>/v3/<project>`` for a
    bare root."""
    url = url.rstrip("/")
    parts = urllib.parse.urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    project = urllib.parse.quote(str(project_id or ""), safe="")
    if "v3" in segments:
        after = segments[segments.index("v3") + 1:]
        if after:
            return url
        return url + "/" + project if project else url
    return url + "/v3" + ("/" + project if project else "")


def built_in_url(conf):
    """Where the built-in block storage service listens ([cinder] listen
    and port; a wildcard address is reached on loopback)."""
    return rest_transport.local_url(conf.cinder.listen, conf.cinder.port)


def _project(ctx, service_session=None):
    """The project id a request's path names: the caller's, else the
    service user's."""
    if ctx.project_id:
        return ctx.project_id
    if service_session is not None and not ctx.auth_token:
        try:
            return service_session.get_project_id()
        except Exception:  # noqa: BLE001 - none: a path without one
            return None
    return None


class EndpointTransport:
    """Requests to the block storage service by paths relative to its
    project's base (``/volumes/<id>``): HTTP to the URL ``resolve(ctx)``
    gives (None: none), else the fallback transport (a built-in service's
    app, or HTTP to its own address), where the base is
    ``/v3/<project>``."""

    def __init__(self, resolve, fallback, service_session=None,
                 timeout=60):
        self.resolve = resolve
        self.fallback = fallback
        self.service_session = service_session
        self.timeout = timeout

    def request(self, ctx, method, path, headers, body=None):
        project = _project(ctx, self.service_session)
        url = self.resolve(ctx) if self.resolve is not None else None
        if url is None:
            if self.fallback is None:
                raise _unavailable("no block storage endpoint in the "
                                   "service catalog")
            prefix = "/v3" + ("/" + urllib.parse.quote(str(project), safe="")
                              if project else "")
            return self.fallback.request(ctx, method, prefix + path,
                                         headers, body)
        if ctx.auth_token and self.service_session is not None:
            # As Nova with [service_user] send_service_user_token: the
            # service user's token beside the caller's (Cinder lets a
            # service delete an attachment without asking Nova).
            headers = dict(headers)
            headers["X-Service-Token"] = self.service_session.get_token()
        return rest_transport.HTTPTransport(
            [versioned_base(url, project)], _unavailable,
            timeout=self.timeout, service_session=self.service_session
        ).request(ctx, method, path, headers, body)


def _cinder_error(text):
    """(error key, message) of an error body of Cinder's
    ({"itemNotFound": {"code": 404, "message": ...}})."""
    try:
        body = json.loads(text)
    except ValueError:
        return None, text.strip()
    if isinstance(body, dict) and len(body) == 1:
        key, value = next(iter(body.items()))
        if isinstance(value, dict):
            return key, str(value.get("message") or "")
    return None, rest_transport.error_message(text)


def _error(reply, resource, resource_id=None):
    """The Stratus exception for an error reply of the block storage
    service about ``resource`` (volume, snapshot, attachment ...)."""
    cinder_type, message = _cinder_error(
        reply.read().decode("utf-8", "replace"))
    status = reply.status
    if status == 404 and resource == "volume" and resource_id:
        error = client_exception.VolumeNotFound(volume_id=resource_id)
    elif status == 404 and resource == "snapshot" and resource_id:
        error = client_exception.SnapshotNotFound(snapshot_id=resource_id)
    elif status == 404 and resource == "attachment" and resource_id:
        error = client_exception.VolumeAttachmentNotFound(
            attachment_id=resource_id)
    elif status == 404:
        error = client_exception.VolumeServiceNotFound(reason=message)
    elif status == 409:
        error = client_exception.VolumeServiceConflict(reason=message)
    elif status == 413 and cinder_type == "overLimit":
        error = client_exception.VolumeLimitExceeded(reason=message)
    elif status in (400, 413, 415, 422):
        error = client_exception.VolumeServiceBadRequest(reason=message)
    elif status == 401:
        error = exception.Unauthorized()
    elif status == 403:
        error = client_exception.VolumeServiceForbidden(reason=message)
    elif status >= 500:
        error = client_exception.VolumeServiceUnavailable(
            reason="%s %s" % (status, message))
    else:
        error = client_exception.VolumeServiceError(
            reason="%s %s" % (status, message))
    error.cinder_type = cinder_type
    error.cinder_message = message
    return error


def _path(collection, resource_id=None, action=None, query=None):
    path = "/" + collection
    if resource_id is not None:
        path += "/" + urllib.parse.quote(str(resource_id), safe="")
    if action:
        path += "/" + action
    if query:
        path += "?" + urllib.parse.urlencode(query, doseq=True)
    return path


def _query(search_opts):
    """Cinder's form of search options: booleans as true/false, None
    left out."""
    query = []
    for name, value in sorted((search_opts or {}).items()):
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, dict):
            value = json.dumps(value)
        query.append((name, value))
    return query


class CinderAPI:
    """Cinder v3 for Nova's needs. Every method takes the caller's
    RequestContext first and returns Cinder's documents (dicts)."""

    def __init__(self, transport=None, direct_app=None, http_retries=0,
                 admin_identity=None, sleep=time.sleep,
                 clock=time.monotonic, debug=False):
        if transport is None:
            if direct_app is None:
                raise ValueError("CinderAPI needs a transport or direct_app")
            transport = EndpointTransport(
                None, rest_transport.DirectTransport(direct_app))
        self.transport = transport
        self.http_retries = http_retries
        # How a context without a token speaks over HTTP when no service
        # user is configured: "noauth" with an administrator's noauth
        # token (see _identity); None as itself.
        self.admin_identity = admin_identity
        self._sleep = sleep
        self._clock = clock
        # [cinder] debug: every request and its status logged.
        self.debug = debug

    @classmethod
    def from_conf(cls, conf, in_process_app=None):
        """The client [cinder] describes (see the module's doc);
        in_process_app: a callable that makes the built-in block storage
        app for in-process calls, where this process serves it (called on
        the first request that needs it)."""
        group = conf.cinder
        session = rest_transport.service_session(conf, "cinder")
        timeout = group.timeout or 60
        resolve = None
        if group.endpoint_override:
            override = group.endpoint_override

            def resolve(ctx):
                return override
        elif group.endpoint_template:
            template = group.endpoint_template

            def resolve(ctx):
                return template % {"project_id": _project(ctx, session)
                                   or "", "project": ctx.project_id or ""}
        elif conf.api.auth_strategy == "keystone":
            resolve = _catalog_resolver(conf, session)
        if group.endpoint_override or group.endpoint_template:
            fallback = None
        elif in_process_app is not None:
            fallback = _LazyDirect(in_process_app)
        else:
            fallback = rest_transport.HTTPTransport(
                [built_in_url(conf)], _unavailable, timeout=timeout,
                service_session=session)
        transport = EndpointTransport(resolve, fallback,
                                      service_session=session,
                                      timeout=timeout)
        admin_identity = ("noauth" if session is None
                          and conf.api.auth_strategy == "noauth" else None)
        return cls(transport, http_retries=group.http_retries,
                   admin_identity=admin_identity, debug=group.debug)

    # The requests ---------------------------------------------------------

    def _identity(self, ctx):
        """The context a request goes with: one without a token, in
        noauth mode without a service user, speaks with an
        administrator's noauth token (a periodic task's context)."""
        if ctx.auth_token or self.admin_identity != "noauth":
            return ctx
        ctx = copy.copy(ctx)
        ctx.auth_token = "admin:%s" % (ctx.project_id or "admin")
        return ctx

    def _call(self, ctx, method, path, resource, resource_id=None,
              body=None, ok=(200,), version=BASE):
        ctx = self._identity(ctx)
        headers = {"Accept": _JSON,
                   "OpenStack-API-Version": "volume %s" % version}
        data = None
        if body is not None:
            headers["Content-Type"] = _JSON
            data = json.dumps(body).encode("utf-8")
        attempts = 1 + (self.http_retries if method in _IDEMPOTENT else 0)
        for attempt in range(attempts):
            last = attempt + 1 == attempts
            try:
                reply = self.transport.request(ctx, method, path, headers,
                                               data)
            except client_exception.VolumeServiceUnavailable:
                if last:
                    raise
                continue
            if self.debug:
                LOG.info("block storage: %s %s (%s): %s", method, path,
                         version, reply.status)
            if reply.status in _RETRIABLE and not last:
                reply.read()
                continue
            break
        if reply.status not in ok:
            raise _error(reply, resource, resource_id)
        text = reply.read()
        if reply.status == 204 or not text.strip():
            return None
        return json.loads(text.decode("utf-8"))

    def _action(self, ctx, collection, resource, resource_id, action,
                value=None, ok=(202,), version=BASE):
        return self._call(ctx, "POST", _path(collection, resource_id,
                                             "action"),
                          resource, resource_id, body={action: value},
                          ok=ok, version=version)

    # Volumes --------------------------------------------------------------

    def get(self, ctx, volume_id):
        """VolumeNotFound if it does not exist or the caller may not
        see it."""
        return self._call(ctx, "GET", _path("volumes", volume_id), "volume",
                          volume_id)["volume"]

    def get_all(self, ctx, search_opts=None):
        """The volumes the caller sees, in detail, by Cinder's filters
        (name, status, all_tenants, project_id, limit, marker ...);
        every page unless a limit was asked for."""
        return self._list(ctx, "volumes", "volume", search_opts)

    def create(self, ctx, size, name, description, snapshot_id=None,
               image_id=None, volume_type=None, metadata=None,
               availability_zone=None):
        """A new volume (status creating: see wait_for_status);
        VolumeLimitExceeded over the project's quotas."""
        volume = {"size": size, "name": name, "description": description}
        for key, value in (("snapshot_id", snapshot_id),
                           ("imageRef", image_id),
                           ("volume_type", volume_type),
                           ("metadata", metadata),
                           ("availability_zone", availability_zone)):
            if value is not None:
                volume[key] = value
        return self._call(ctx, "POST", _path("volumes"), "volume",
                          body={"volume": volume}, ok=(202, 200))["volume"]

    def delete(self, ctx, volume_id):
        self._call(ctx, "DELETE", _path("volumes", volume_id), "volume",
                   volume_id, ok=(202, 204))

    def get_all_volume_types(self, ctx):
        """The volume types the caller sees (Nova's
        get_all_volume_types: a 2.67 volume_type is checked against
        them)."""
        return self._call(ctx, "GET", _path("types"), "volume_type")[
            "volume_types"] or []

    def extend(self, ctx, volume_id, new_size):
        """Grow a volume to new_size GiB (an in-use one too: 3.42)."""
        self._action(ctx, "volumes", "volume", volume_id, "os-extend",
                     {"new_size": new_size}, version=IN_USE_EXTEND)

    def reimage_volume(self, ctx, volume_id, image_id,
                       reimage_reserved=False):
        """Write image_id onto the volume (3.68; reimage_reserved: while
        it is reserved by a rebuild)."""
        self._action(ctx, "volumes", "volume", volume_id, "os-reimage",
                     {"image_id": image_id,
                      "reimage_reserved": bool(reimage_reserved)},
                     version=REIMAGE)

    def extend_volume_completion(self, ctx, volume_id, error=False):
        """Tell Cinder the compute finished (or failed) growing an
        attached volume (3.71)."""
        self._action(ctx, "volumes", "volume", volume_id,
                     "os-extend_volume_completion", {"error": bool(error)},
                     version=EXTEND_COMPLETION)

    def migrate_volume_completion(self, ctx, old_volume_id, new_volume_id,
                                  error=False):
        """Tell Cinder a swap of old_volume_id for new_volume_id is done:
        {"save_volume_id": ...}, the id the server's mapping keeps."""
        return self._action(ctx, "volumes", "volume", old_volume_id,
                            "os-migrate_volume_completion",
                            {"new_volume": new_volume_id,
                             "error": bool(error)}, ok=(200,))

    def wait_for_status(self, ctx, volume_id, statuses, timeout=60,
                        interval=1):
        """The volume once its status is one of statuses: polls get every
        interval seconds; VolumeServiceError when it ends in an error
        status, or is not there after timeout seconds."""
        statuses = ((statuses,) if isinstance(statuses, str)
                    else tuple(statuses))
        deadline = self._clock() + timeout
        while True:
            volume = self.get(ctx, volume_id)
            status = volume.get("status")
            if status in statuses:
                return volume
            if status and status.startswith("error"):
                raise client_exception.VolumeServiceError(
                    reason="volume %s is %s" % (volume_id, status))
            if self._clock() >= deadline:
                raise client_exception.VolumeServiceError(
                    reason="volume %s is %s after %ss, not %s" % (
                        volume_id, status, timeout, "/".join(statuses)))
            self._sleep(interval)

    # Snapshots ------------------------------------------------------------

    def get_snapshot(self, ctx, snapshot_id):
        return self._call(ctx, "GET", _path("snapshots", snapshot_id),
                          "snapshot", snapshot_id)["snapshot"]

    def get_all_snapshots(self, ctx, search_opts=None):
        return self._list(ctx, "snapshots", "snapshot", search_opts)

    def _create_snapshot(self, ctx, volume_id, name, description, metadata,
                         force):
        snapshot = {"volume_id": volume_id, "name": name,
                    "description": description, "force": force}
        if metadata is not None:
            snapshot["metadata"] = metadata
        return self._call(ctx, "POST", _path("snapshots"), "volume",
                          volume_id, body={"snapshot": snapshot},
                          ok=(202, 200))["snapshot"]

    def create_snapshot(self, ctx, volume_id, name, description,
                        metadata=None):
        """A snapshot of an available volume (VolumeNotFound when there
        is no such volume)."""
        return self._create_snapshot(ctx, volume_id, name, description,
                                     metadata, False)

    def create_snapshot_force(self, ctx, volume_id, name, description,
                              metadata=None):
        """A snapshot of a volume even while it is in use."""
        return self._create_snapshot(ctx, volume_id, name, description,
                                     metadata, True)

    def delete_snapshot(self, ctx, snapshot_id):
        self._call(ctx, "DELETE", _path("snapshots", snapshot_id),
                   "snapshot", snapshot_id, ok=(202, 204))

    def update_snapshot_status(self, ctx, snapshot_id, status,
                               progress=None):
        """os-update_snapshot_status (an assisted snapshot's progress,
        '90%')."""
        value = {"status": status}
        if progress is not None:
            value["progress"] = progress
        self._action(ctx, "snapshots", "snapshot", snapshot_id,
                     "os-update_snapshot_status", value)

    # Attachments (3.44) ---------------------------------------------------

    def attachment_create(self, ctx, volume_id, instance_id, connector=None,
                          mountpoint=None, mode=None):
        """An attachment of the volume to the server: reserved without a
        connector, with its connection_info with one; mode 'rw' or 'ro'
        (3.54)."""
        attachment = {"volume_uuid": volume_id,
                      "instance_uuid": instance_id}
        if connector is not None:
            connector = dict(connector)
            if mountpoint is not None:
                connector.setdefault("mountpoint", mountpoint)
            attachment["connector"] = connector
        version = ATTACHMENTS
        if mode is not None:
            attachment["mode"] = mode
            version = ATTACH_MODE
        return self._call(ctx, "POST", _path("attachments"), "volume",
                          volume_id, body={"attachment": attachment},
                          ok=(200, 202), version=version)["attachment"]

    def attachment_get(self, ctx, attachment_id):
        return self._call(ctx, "GET", _path("attachments", attachment_id),
                          "attachment", attachment_id,
                          version=ATTACHMENTS)["attachment"]

    def attachment_get_all(self, ctx, instance_id=None, volume_id=None):
        """The attachments of a server and/or a volume."""
        return self._list(ctx, "attachments", "attachment",
                          {"instance_id": instance_id,
                           "volume_id": volume_id},
                          version=ATTACHMENTS, detail=False)

    def attachment_update(self, ctx, attachment_id, connector,
                          mountpoint=None):
        """The attachment with its connection_info for the host
        connector describes."""
        connector = dict(connector or {})
        if mountpoint is not None:
            connector["mountpoint"] = mountpoint
        return self._call(ctx, "PUT", _path("attachments", attachment_id),
                          "attachment", attachment_id,
                          body={"attachment": {"connector": connector}},
                          version=ATTACHMENTS)["attachment"]

    def attachment_complete(self, ctx, attachment_id):
        """The volume is in use now (os-complete)."""
        self._call(ctx, "POST", _path("attachments", attachment_id,
                                      "action"), "attachment",
                   attachment_id, body={"os-complete": None},
                   ok=(204, 200, 202), version=ATTACHMENTS)

    def attachment_delete(self, ctx, attachment_id):
        self._call(ctx, "DELETE", _path("attachments", attachment_id),
                   "attachment", attachment_id, ok=(200, 202, 204),
                   version=ATTACHMENTS)

    # Lists ----------------------------------------------------------------

    def _list(self, ctx, collection, resource, search_opts,
              version=BASE, detail=True):
        search_opts = dict(search_opts or {})
        path = _path(collection, action="detail" if detail else None,
                     query=_query(search_opts))
        found = []
        while path:
            page = self._call(ctx, "GET", path, resource, version=version)
            found.extend(page.get(collection) or ())
            path = None
            if "limit" not in search_opts:
                path = next((link.get("href") for link in
                             page.get(collection + "_links") or ()
                             if link.get("rel") == "next"), None)
                if path:
                    path = _relative(path, collection)
        return found


def _relative(href, collection):
    """The path and query of a next link, relative to the project's base
    (the transport adds the base)."""
    parts = urllib.parse.urlsplit(href)
    path = parts.path
    index = path.rfind("/" + collection)
    if index > 0:
        path = path[index:]
    return path + ("?" + parts.query if parts.query else "")


class _LazyDirect:
    """The built-in app in this process, made on the first request."""

    def __init__(self, make):
        self._make = make
        self._transport = None

    def request(self, ctx, method, path, headers, body=None):
        if self._transport is None:
            self._transport = rest_transport.DirectTransport(self._make())
        return self._transport.request(ctx, method, path, headers, body)


def _catalog_resolver(conf, session):
    """resolve(ctx) of keystone mode: the caller's catalog's endpoint,
    else the service user's, else None (the built-in service)."""
    group = conf.cinder
    service_type, service_name, interface = parse_catalog_info(
        group.catalog_info)
    region = group.os_region_name

    def resolve(ctx):
        url = catalog_endpoint(getattr(ctx, "service_catalog", None),
                               group.catalog_info, region)
        if url is None and session is not None:
            for kind in _service_types(service_type):
                try:
                    url = session.get_endpoint(
                        service_type=kind, service_name=service_name,
                        interface=interface, region_name=region)
                except Exception:  # noqa: BLE001 - not there: next one
                    url = None
                if url:
                    break
        return url
    return resolve
