"""The legacy extensions listing, for clients that still discover
features this way: Nova's fixed list of extension aliases."""
from stratus.api import errors
from stratus.api.schemas import common
from stratus.api import validation
from stratus.api import wsgi
from stratus.policies import extensions as policies

_NAMESPACE = "http://docs.openstack.org/compute/ext/fake_xml"
_UPDATED = "2014-12-03T00:00:00Z"

# Nova's v2.1 list, which it reports whole whatever is deployed (it
# no longer loads extensions): alias -> (name, description). Clients
# probe for these aliases; the descriptions are Stratus's own words.
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
    "os-agents": ("Agents", "Guest agent builds (removed)."),
    "os-aggregates": ("Aggregates", "Host aggregates."),
    "os-assisted-volume-snapshots": ("AssistedVolumeSnapshots",
                                     "Snapshots of attached volumes."),
    "os-attach-interfaces": ("AttachInterfaces",
                             "Attaching and detaching ports."),
    "os-availability-zone": ("AvailabilityZone", "Availability zones."),
    "os-baremetal-ext-status": ("BareMetalExtStatus",
                                "Status of bare-metal nodes."),
    "os-baremetal-nodes": ("BareMetalNodes", "Bare-metal nodes."),
    "os-block-device-mapping": ("BlockDeviceMapping",
                                "Block device mappings at boot."),
    "os-block-device-mapping-v2-boot": ("BlockDeviceMappingV2Boot",
                                        "Boot with the v2 mapping format."),
    "os-cell-capacities": ("CellCapacities", "Capacities of cells (removed)."),
    "os-cells": ("Cells", "Cells v1 (removed)."),
    "os-certificates": ("Certificates", "Certificates (removed)."),
    "os-cloudpipe": ("Cloudpipe", "Cloudpipe instances (removed)."),
    "os-cloudpipe-update": ("CloudpipeUpdate",
                            "Cloudpipe VPN addresses (removed)."),
    "os-config-drive": ("ConfigDrive", "Config drives."),
    "os-console-auth-tokens": ("ConsoleAuthTokens",
                               "Console connection tokens."),
    "os-console-output": ("ConsoleOutput", "Server console log."),
    "os-consoles": ("Consoles", "Remote consoles."),
    "os-create-backup": ("CreateBackup", "Server backups."),
    "os-create-server-ext": ("Createserverext",
                             "Extra attributes at server create."),
    "os-deferred-delete": ("DeferredDelete", "Soft deleted servers."),
    "os-evacuate": ("Evacuate", "Server evacuation."),
    "os-extended-evacuate-find-host": ("ExtendedEvacuateFindHost",
                                       "Evacuation to a scheduled host."),
    "os-extended-floating-ips": ("ExtendedFloatingIps",
                                 "Fixed address of a floating IP."),
    "os-extended-hypervisors": ("ExtendedHypervisors",
                                "More hypervisor attributes."),
    "os-extended-networks": ("ExtendedNetworks",
                             "More network attributes."),
    "os-extended-quotas": ("ExtendedQuotas",
                           "Deleting and forcing quota updates."),
    "os-extended-rescue-with-image": ("ExtendedRescueWithImage",
                                      "Rescue with a chosen image."),
    "os-extended-services": ("ExtendedServices",
                             "Disabling services with a reason."),
    "os-extended-services-delete": ("ExtendedServicesDelete",
                                    "Deleting services."),
    "os-extended-status": ("ExtendedStatus",
                           "VM, task and power state of servers."),
    "os-extended-volumes": ("ExtendedVolumes",
                            "Volumes attached to servers."),
    "os-fixed-ips": ("FixedIPs", "Fixed IPs (removed)."),
    "os-flavor-access": ("FlavorAccess", "Private flavors."),
    "os-flavor-extra-specs": ("FlavorExtraSpecs", "Flavor extra specs."),
    "os-flavor-manage": ("FlavorManage", "Creating and deleting flavors."),
    "os-flavor-rxtx": ("FlavorRxtx", "RX/TX factor of flavors."),
    "os-flavor-swap": ("FlavorSwap", "Swap size of flavors."),
    "os-floating-ip-dns": ("FloatingIpDns", "Floating IP DNS (removed)."),
    "os-floating-ip-pools": ("FloatingIpPools", "Floating IP pools."),
    "os-floating-ips": ("FloatingIps", "Floating IPs."),
    "os-floating-ips-bulk": ("FloatingIpsBulk",
                             "Floating IPs in bulk (removed)."),
    "os-fping": ("Fping", "Pinging servers (removed)."),
    "os-hide-server-addresses": ("HideServerAddresses",
                                 "Addresses hidden in some states."),
    "os-hosts": ("Hosts", "Compute hosts."),
    "os-hypervisor-status": ("HypervisorStatus",
                             "State and status of hypervisors."),
    "os-hypervisors": ("Hypervisors", "Hypervisor details."),
    "os-instance-actions": ("InstanceActions", "Server action records."),
    "os-instance_usage_audit_log": ("OSInstanceUsageAuditLog",
                                    "Usage audit task log."),
    "os-keypairs": ("Keypairs", "Keypairs."),
    "os-lock-server": ("LockServer", "Locking servers."),
    "os-migrate-server": ("MigrateServer", "Cold and live migration."),
    "os-migrations": ("Migrations", "Migration records."),
    "os-multiple-create": ("MultipleCreate",
                           "Creating several servers at once."),
    "os-networks": ("Networks", "Networks."),
    "os-networks-associate": ("NetworkAssociationSupport",
                              "Network association (removed)."),
    "os-pause-server": ("PauseServer", "Pausing servers."),
    "os-personality": ("Personality", "Files injected at create."),
    "os-preserve-ephemeral-rebuild": ("PreserveEphemeralOnRebuild",
                                      "Keeping ephemeral disks on rebuild."),
    "os-quota-class-sets": ("QuotaClasses", "Quota classes."),
    "os-quota-sets": ("Quotas", "Quotas."),
    "os-rescue": ("Rescue", "Rescue mode."),
    "os-security-group-default-rules": ("SecurityGroupDefaultRules",
                                        "Default security rules (removed)."),
    "os-security-groups": ("SecurityGroups", "Security groups."),
    "os-server-diagnostics": ("ServerDiagnostics", "Server diagnostics."),
    "os-server-external-events": ("ServerExternalEvents",
                                  "Events from other services."),
    "os-server-group-quotas": ("ServerGroupQuotas",
                               "Quotas of server groups."),
    "os-server-groups": ("ServerGroups", "Server groups."),
    "os-server-list-multi-status": ("ServerListMultiStatus",
                                    "Listing servers by several states."),
    "os-server-password": ("ServerPassword", "Encrypted server passwords."),
    "os-server-sort-keys": ("ServerSortKeys", "Sorting server lists."),
    "os-server-start-stop": ("ServerStartStop", "Starting and stopping."),
    "os-services": ("Services", "Compute services."),
    "os-shelve": ("Shelve", "Shelving servers."),
    "os-simple-tenant-usage": ("SimpleTenantUsage", "Usage per project."),
    "os-suspend-server": ("SuspendServer", "Suspending servers."),
    "os-tenant-networks": ("OSTenantNetworks", "Networks of a project."),
    "os-used-limits": ("UsedLimits", "Used counts in limits."),
    "os-used-limits-for-admin": ("UsedLimitsForAdmin",
                                 "Used counts of other projects."),
    "os-user-data": ("UserData", "User data at server create."),
    "os-user-quotas": ("UserQuotas", "Per-user quotas."),
    "os-virtual-interfaces": ("VirtualInterfaces",
                              "Virtual interfaces (removed)."),
    "os-volume-attachment-update": ("VolumeAttachmentUpdate",
                                    "Swapping an attached volume."),
    "os-volumes": ("Volumes", "Volumes."),
}


def _extension(alias):
    name, description = EXTENSIONS[alias]
    return {"name": name, "alias": alias, "description": description,
            "namespace": _NAMESPACE, "updated": _UPDATED, "links": []}


@validation.query_schema(common.NO_QUERY_V2102, "2.102")
def list_extensions(req):
    req.authorize(policies.BASE_POLICY_NAME)
    return wsgi.json_response(
        req, {"extensions": [_extension(a) for a in sorted(EXTENSIONS)]})


@validation.query_schema(common.NO_QUERY_V2102, "2.102")
def show_extension(req, alias):
    req.authorize(policies.BASE_POLICY_NAME)
    if alias not in EXTENSIONS:
        raise errors.not_found("The resource could not be found.")
    return wsgi.json_response(req, {"extension": _extension(alias)})
