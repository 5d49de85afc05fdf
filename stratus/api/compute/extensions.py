"""The legacy extensions listing: Nova's extension aliases for what
Stratus provides, for clients that still discover features this way."""
from stratus.api import errors
from stratus.api import wsgi
from stratus.policies import extensions as policies

_NAMESPACE = "http://docs.openstack.org/compute/ext/fake_xml"
_UPDATED = "2014-12-03T00:00:00Z"

# alias: (name, description)
EXTENSIONS = {
    "NMN": ("Multinic", "Multiple network interfaces."),
    "OS-DCF": ("DiskConfig", "Disk configuration of servers."),
    "OS-EXT-AZ": ("ExtendedAvailabilityZone",
                  "Availability zone of servers."),
    "OS-EXT-IMG-SIZE": ("ImageSize", "Image size in image listings."),
    "OS-EXT-IPS": ("ExtendedIps", "Address type in server addresses."),
    "OS-EXT-IPS-MAC": ("ExtendedIpsMac", "MAC address in server addresses."),
    "OS-EXT-SRV-ATTR": ("ExtendedServerAttributes",
                        "Host attributes of servers."),
    "OS-EXT-STS": ("ExtendedStatus", "VM, task and power state of servers."),
    "OS-FLV-DISABLED": ("FlavorDisabled", "Disabled status of flavors."),
    "OS-FLV-EXT-DATA": ("FlavorExtraData", "Ephemeral disk of flavors."),
    "OS-SCH-HNT": ("SchedulerHints", "Scheduler hints at server create."),
    "OS-SRV-USG": ("ServerUsage", "Launch and termination times."),
    "os-access-ips": ("AccessIPs", "Access addresses of servers."),
    "os-admin-actions": ("AdminActions", "Administrative server actions."),
    "os-admin-password": ("AdminPassword", "Changing a server's password."),
    "os-availability-zone": ("AvailabilityZone", "Availability zones."),
    "os-block-device-mapping": ("BlockDeviceMapping",
                                "Block device mappings at boot."),
    "os-block-device-mapping-v2-boot": ("BlockDeviceMappingV2Boot",
                                        "Boot with the v2 mapping format."),
    "os-config-drive": ("ConfigDrive", "Config drives."),
    "os-console-output": ("ConsoleOutput", "Server console log."),
    "os-create-backup": ("CreateBackup", "Server backups."),
    "os-deferred-delete": ("DeferredDelete", "Soft deleted servers."),
    "os-evacuate": ("Evacuate", "Server evacuation."),
    "os-extended-quotas": ("ExtendedQuotas",
                           "Deleting and forcing quota updates."),
    "os-flavor-access": ("FlavorAccess", "Private flavors."),
    "os-flavor-extra-specs": ("FlavorExtraSpecs", "Flavor extra specs."),
    "os-flavor-manage": ("FlavorManage", "Creating and deleting flavors."),
    "os-flavor-rxtx": ("FlavorRxtx", "RX/TX factor of flavors."),
    "os-flavor-swap": ("FlavorSwap", "Swap size of flavors."),
    "os-hosts": ("Hosts", "Admin-only host administration."),
    "os-hypervisors": ("Hypervisors", "Hypervisor details."),
    "os-instance-actions": ("InstanceActions", "Server action records."),
    "os-instance-usage-audit-log": ("OSInstanceUsageAuditLog",
                                    "Admin-only task log monitoring."),
    "os-keypairs": ("Keypairs", "Keypairs."),
    "os-lock-server": ("LockServer", "Locking servers."),
    "os-migrate-server": ("MigrateServer", "Cold and live migration."),
    "os-multiple-create": ("MultipleCreate",
                           "Creating several servers at once."),
    "os-pause-server": ("PauseServer", "Pausing servers."),
    "os-quota-class-sets": ("QuotaClasses",
                            "Quota classes management support."),
    "os-quota-sets": ("Quotas", "Quotas."),
    "os-rescue": ("Rescue", "Rescue mode."),
    "os-server-groups": ("ServerGroups", "Server groups."),
    "os-server-tags": ("ServerTags", "Server tags."),
    "os-services": ("Services", "Compute services."),
    "os-shelve": ("Shelve", "Shelving servers."),
    "os-simple-tenant-usage": ("SimpleTenantUsage",
                               "Simple tenant usage extension."),
    "os-suspend-server": ("SuspendServer", "Suspending servers."),
    "os-used-limits": ("UsedLimits", "Used counts in limits."),
    "os-user-quotas": ("UserQuotas", "Per-user quotas."),
}


def _extension(alias):
    name, description = EXTENSIONS[alias]
    return {"name": name, "alias": alias, "description": description,
            "namespace": _NAMESPACE, "updated": _UPDATED, "links": []}


def list_extensions(req):
    req.authorize(policies.BASE_POLICY_NAME)
    return wsgi.json_response(
        req, {"extensions": [_extension(a) for a in sorted(EXTENSIONS)]})


def show_extension(req, alias):
    req.authorize(policies.BASE_POLICY_NAME)
    if alias not in EXTENSIONS:
        raise errors.not_found("The resource could not be found.")
    return wsgi.json_response(req, {"extension": _extension(alias)})
