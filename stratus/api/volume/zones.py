"""/v3/os-availability-zone (the one zone, [cinder]
storage_availability_zone) and /v3/extensions (what is served)."""
from stratus.api import wsgi

UPDATED = "2013-04-18T00:00:00+00:00"
EXTENSIONS = [
    ("os-admin-actions", "AdminActions", "Enable admin actions."),
    ("os-availability-zone", "AvailabilityZones",
     "Describe Availability Zones."),
    ("os-extended-snapshot-attributes", "ExtendedSnapshotAttributes",
     "Extended SnapshotAttributes support."),
    ("os-quota-sets", "Quotas", "Quota management support."),
    ("os-types-extra-specs", "TypesExtraSpecs", "Type extra specs support."),
    ("os-types-manage", "TypesManage", "Types manage support."),
    ("os-vol-host-attr", "VolumeHostAttribute",
     "Expose host as an attribute of a volume."),
    ("os-vol-image-meta", "VolumeImageMetadata",
     "Show image metadata associated with the volume."),
    ("os-vol-mig-status-attr", "VolumeMigStatusAttribute",
     "Expose migration_status as an attribute of a volume."),
    ("os-vol-tenant-attr", "VolumeTenantAttribute",
     "Expose the internal project_id as an attribute of a volume."),
    ("os-volume-actions", "VolumeActions", "Enable volume actions."),
]


def list_availability_zones(req):
    req.authorize("volume_extension:availability_zone_list")
    return wsgi.json_response(req, {"availabilityZoneInfo": [{
        "zoneName": req.app.conf.cinder.storage_availability_zone,
        "zoneState": {"available": True}}]})


def list_extensions(req):
    return wsgi.json_response(req, {"extensions": [
        {"alias": alias, "name": name, "description": description,
         "links": [], "updated": UPDATED}
        for alias, name, description in EXTENSIONS]})
