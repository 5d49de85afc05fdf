"""os-availability-zone: the zones servers can be placed in.

A compute host's zone is that of the aggregate it belongs to (metadata
``availability_zone``), else ``[DEFAULT] default_availability_zone``; the
other services (conductor, scheduler) are in the
``internal_service_availability_zone``, which only the admin's detail
shows. A zone with at least one enabled service is available.
"""
from stratus.api import wsgi
from stratus.objects import aggregate as aggregate_obj
from stratus.objects import service as service_obj
from stratus import constants

POLICY = "os_compute_api:os-availability-zone:%s"


class ZoneMap:
    """The availability zone of each service."""

    def __init__(self, ctx, conf):
        self._by_host = aggregate_obj.AggregateList.get_all(
            ctx).availability_zones_by_host()
        self._default = conf.default_availability_zone
        self.internal = conf.internal_service_availability_zone

    def zone_of(self, service):
        if service.binary != constants.COMPUTE_BINARY:
            return self.internal
        return self._by_host.get(service.host, self._default)


def last_report(service):
    """When the service last reported (a new service has only been seen)."""
    return service.get("updated_at") or service.get("last_seen_up")


def _zones(ctx, conf):
    """(zone map, services, available zone names, unavailable zone names)."""
    zones = ZoneMap(ctx, conf)
    services = service_obj.ServiceList.get_all(ctx)
    available = sorted({zones.zone_of(service) for service in services
                        if not service.disabled})
    unavailable = sorted({zones.zone_of(service) for service in services
                          if service.disabled} - set(available))
    return zones, services, available, unavailable


def _zone_info(name, available, hosts=None):
    return {"zoneName": name, "zoneState": {"available": available},
            "hosts": hosts}


def list_availability_zones(req):
    req.authorize(POLICY % "list")
    zones, _, available, unavailable = _zones(req.context, req.app.conf)
    info = [_zone_info(name, True) for name in available
            if name != zones.internal]
    info += [_zone_info(name, False) for name in unavailable
             if name != zones.internal]
    return wsgi.json_response(req, {"availabilityZoneInfo": info})


def list_availability_zones_detail(req):
    req.authorize(POLICY % "detail")
    conf = req.app.conf
    zones, services, available, unavailable = _zones(req.context, conf)
    hosts_by_zone = {}
    for service in services:
        if service.disabled:
            continue
        hosts = hosts_by_zone.setdefault(zones.zone_of(service), {})
        hosts.setdefault(service.host, {})[service.binary] = {
            "available": service.is_up(conf.service_down_time),
            "active": True,
            "updated_at": wsgi.isotime(last_report(service),
                                       microseconds=True),
        }
    info = [_zone_info(name, True, hosts_by_zone.get(name, {}))
            for name in available]
    info += [_zone_info(name, False) for name in unavailable]
    return wsgi.json_response(req, {"availabilityZoneInfo": info})
