"""/v3/os-services (administrators): the block storage services, here the
one built-in service answering this request, as Cinder lists its
cinder-volume (Horizon's System Information panel reads it). Its host is
the backend that volumes name (os-vol-host-attr:host, less the pool)."""
import datetime

from stratus.api import wsgi
from stratus.api.volume import versions
from stratus.api.volume import views


def list_services(req):
    req.authorize("volume_extension:services:index")
    service = {
        "binary": "cinder-volume",
        "host": views.HOST.split("#", 1)[0],
        "zone": req.app.conf.cinder.storage_availability_zone,
        "status": "enabled", "state": "up",
        # It is answering: alive now.
        "updated_at": datetime.datetime.now(datetime.timezone.utc).replace(
            tzinfo=None).isoformat(),
        "disabled_reason": None,
        "replication_status": "disabled", "active_backend_id": None,
        "frozen": False,
    }
    if versions.at_least(req, 3, 7):
        service["cluster"] = None
    if versions.at_least(req, 3, 49):
        service["backend_state"] = "up"
    binary = req.GET.get("binary")
    host = req.GET.get("host")
    services = [service] if (binary in (None, service["binary"]) and
                             host in (None, service["host"])) else []
    return wsgi.json_response(req, {"services": services})
