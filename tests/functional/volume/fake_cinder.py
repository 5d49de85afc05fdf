"""A small Cinder v3 in memory (volumes, snapshots, attachments, their
actions) for the Cinder client's tests: it answers as Cinder's API
reference says (paths with or without the project id, Cinder's error
bodies) and records what it was asked (path, token, request id,
OpenStack-API-Version), so a test sees what the client sends."""
import itertools
import json
import re
import uuid

import webob

_COLLECTIONS = ("volumes", "snapshots", "attachments")
_ERROR_KEYS = {400: "badRequest", 403: "forbidden", 404: "itemNotFound",
               409: "conflictingRequest", 413: "overLimit",
               503: "serviceUnavailable"}


class Refusal(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class FakeCinder:
    def __init__(self, volume_quota=10):
        self.volumes = {}
        self.snapshots = {}
        self.attachments = {}
        self.requests = []
        self.volume_quota = volume_quota
        # lists in pages of this many, with a next link (None: one page)
        self.page_size = None
        # statuses answered before the real answer (503s to retry).
        self.failures = []
        self._clock = itertools.count()

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        self.requests.append({
            "method": req.method, "path": req.path_qs,
            "token": req.headers.get("X-Auth-Token"),
            "service_token": req.headers.get("X-Service-Token"),
            "request_id": req.headers.get("X-OpenStack-Request-ID"),
            "version": req.headers.get("OpenStack-API-Version")})
        try:
            if self.failures:
                status = self.failures.pop(0)
                raise Refusal(status, "try again")
            if not req.headers.get("X-Auth-Token"):
                raise Refusal(401, "no token")
            status, body = self._route(req)
        except Refusal as refusal:
            status = refusal.status
            key = _ERROR_KEYS.get(status, "computeFault")
            body = {key: {"code": status, "message": refusal.message}}
        response = webob.Response(status=status)
        if body is not None:
            response.content_type = "application/json"
            response.body = json.dumps(body).encode()
        return response(environ, start_response)

    # routing ------------------------------------------------------------

    def _route(self, req):
        match = re.match(r"^/v3(?:/(?P<project>[^/]+))??/(?P<rest>(%s).*)$"
                         % "|".join(_COLLECTIONS), req.path_info)
        if not match:
            raise Refusal(404, "no such path %s" % req.path_info)
        parts = match.group("rest").split("/")
        collection, rest = parts[0], parts[1:]
        body = json.loads(req.body) if req.body else None
        handler = getattr(self, "_%s_%s" % (collection, req.method.lower()))
        return handler(req, rest, body)

    def _now(self):
        return "2026-01-01T00:00:%02d.000000" % next(self._clock)

    def _get(self, table, kind, key):
        if key not in table:
            raise Refusal(404, "%s %s could not be found." % (kind, key))
        return table[key]

    # volumes ------------------------------------------------------------

    def _volumes_get(self, req, rest, body):
        if not rest or rest == ["detail"]:
            found = sorted(self.volumes.values(), key=lambda v: v["id"])
            if "name" in req.GET:
                found = [v for v in found if v["name"] == req.GET["name"]]
            if "marker" in req.GET:
                ids = [v["id"] for v in found]
                found = found[ids.index(req.GET["marker"]) + 1:]
            limit = int(req.GET.get("limit", 0) or 0) or self.page_size
            body = {"volumes": found[:limit] if limit else found}
            if self.page_size and len(found) > self.page_size:
                body["volumes_links"] = [{"rel": "next", "href": "%s?marker=%s"
                                          % (req.path_url,
                                             found[limit - 1]["id"])}]
            return 200, body
        return 200, {"volume": self._get(self.volumes, "Volume", rest[0])}

    def _volumes_post(self, req, rest, body):
        if rest:
            return self._volume_action(req, rest[0], body)
        wanted = body["volume"]
        if not isinstance(wanted.get("size"), int) or wanted["size"] < 1:
            raise Refusal(400, "Invalid input received: size")
        if len(self.volumes) >= self.volume_quota:
            raise Refusal(413, "VolumeLimitExceeded: Maximum number of "
                               "volumes allowed (%d) exceeded"
                          % self.volume_quota)
        volume = {"id": str(uuid.uuid4()), "status": "available",
                  "size": wanted["size"], "name": wanted.get("name"),
                  "description": wanted.get("description"),
                  "availability_zone": wanted.get("availability_zone",
                                                  "nova"),
                  "created_at": self._now(), "attachments": [],
                  "volume_type": wanted.get("volume_type", "__DEFAULT__"),
                  "snapshot_id": wanted.get("snapshot_id"),
                  "imageRef": wanted.get("imageRef"),
                  "metadata": wanted.get("metadata") or {},
                  "multiattach": False, "bootable": "false"}
        self.volumes[volume["id"]] = volume
        return 202, {"volume": volume}

    def _volumes_delete(self, req, rest, body):
        volume = self._get(self.volumes, "Volume", rest[0])
        if volume["status"] == "in-use":
            raise Refusal(400, "Invalid volume: Volume status must be "
                               "available or error")
        del self.volumes[rest[0]]
        return 202, None

    def _volume_action(self, req, volume_id, body):
        volume = self._get(self.volumes, "Volume", volume_id)
        (action, value), = body.items()
        if action == "os-extend":
            if value["new_size"] <= volume["size"]:
                raise Refusal(400, "New size for extend must be greater "
                                   "than current size.")
            volume["size"] = value["new_size"]
            return 202, None
        if action == "os-migrate_volume_completion":
            return 200, {"save_volume_id": value["new_volume"]}
        if action in ("os-reimage", "os-extend_volume_completion"):
            volume["last_action"] = (action, value)
            return 202, None
        raise Refusal(400, "no such action %s" % action)

    # snapshots ----------------------------------------------------------

    def _snapshots_get(self, req, rest, body):
        if not rest or rest == ["detail"]:
            return 200, {"snapshots": sorted(self.snapshots.values(),
                                             key=lambda s: s["id"])}
        return 200, {"snapshot": self._get(self.snapshots, "Snapshot",
                                           rest[0])}

    def _snapshots_post(self, req, rest, body):
        if rest:
            snapshot = self._get(self.snapshots, "Snapshot", rest[0])
            value = body["os-update_snapshot_status"]
            snapshot["status"] = value["status"]
            snapshot["progress"] = value.get("progress")
            return 202, None
        wanted = body["snapshot"]
        volume = self._get(self.volumes, "Volume", wanted["volume_id"])
        if volume["status"] == "in-use" and not wanted.get("force"):
            raise Refusal(400, "Invalid volume: Volume %s status must be "
                               "available" % volume["id"])
        snapshot = {"id": str(uuid.uuid4()), "volume_id": volume["id"],
                    "status": "available", "size": volume["size"],
                    "name": wanted.get("name"),
                    "description": wanted.get("description"),
                    "created_at": self._now(),
                    "metadata": wanted.get("metadata") or {}}
        self.snapshots[snapshot["id"]] = snapshot
        return 202, {"snapshot": snapshot}

    def _snapshots_delete(self, req, rest, body):
        self._get(self.snapshots, "Snapshot", rest[0])
        del self.snapshots[rest[0]]
        return 202, None

    # attachments --------------------------------------------------------

    def _attachments_get(self, req, rest, body):
        if not rest:
            found = [a for a in self.attachments.values()
                     if req.GET.get("instance_id") in (None,
                                                       a["instance"])
                     and req.GET.get("volume_id") in (None,
                                                      a["volume_id"])]
            return 200, {"attachments": [
                {key: a[key] for key in ("id", "status", "instance",
                                         "volume_id")} for a in found]}
        return 200, {"attachment": self._get(self.attachments,
                                             "VolumeAttachment", rest[0])}

    def _attachments_post(self, req, rest, body):
        if rest:
            attachment = self._get(self.attachments, "VolumeAttachment",
                                   rest[0])
            attachment["status"] = "attached"
            self.volumes[attachment["volume_id"]]["status"] = "in-use"
            return 204, None
        wanted = body["attachment"]
        volume = self._get(self.volumes, "Volume", wanted["volume_uuid"])
        if volume["status"] not in ("available", "reserved"):
            raise Refusal(400, "Invalid volume: Volume %s status must be "
                               "available or downloading" % volume["id"])
        attachment = {"id": str(uuid.uuid4()), "status": "reserved",
                      "instance": wanted["instance_uuid"],
                      "volume_id": volume["id"], "attach_mode":
                      wanted.get("mode", "rw"), "connection_info": {},
                      "attached_at": None, "detached_at": None}
        self.attachments[attachment["id"]] = attachment
        volume["status"] = "reserved"
        if wanted.get("connector"):
            self._connect(attachment, wanted["connector"])
        return 200, {"attachment": attachment}

    def _connect(self, attachment, connector):
        attachment["status"] = "attaching"
        attachment["connection_info"] = {
            "driver_volume_type": "file",
            "data": {"device_path": "/volumes/%s" % attachment["volume_id"],
                     "format": "raw", "access_mode": attachment[
                         "attach_mode"], "volume_id":
                     attachment["volume_id"], "multiattach": False},
            "connector": connector}
        volume = self.volumes[attachment["volume_id"]]
        volume["attachments"] = [{
            "server_id": attachment["instance"],
            "attachment_id": attachment["id"],
            "device": connector.get("mountpoint"),
            "volume_id": volume["id"]}]

    def _attachments_put(self, req, rest, body):
        attachment = self._get(self.attachments, "VolumeAttachment",
                               rest[0])
        self._connect(attachment, body["attachment"]["connector"])
        return 200, {"attachment": attachment}

    def _attachments_delete(self, req, rest, body):
        attachment = self._get(self.attachments, "VolumeAttachment",
                               rest[0])
        del self.attachments[rest[0]]
        volume = self.volumes.get(attachment["volume_id"])
        if volume is not None:
            volume["status"] = "available"
            volume["attachments"] = []
        return 200, {"attachments": []}
