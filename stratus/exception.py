"""Domain exceptions.

Each carries the HTTP status the API turns it into (``code``), so the API
layer maps exceptions to error bodies in one place (stratus.api.errors).
"""


class StratusException(Exception):
    msg_fmt = "An unknown exception occurred."
    code = 500

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if message is None:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError):
                message = self.msg_fmt
        self.message = str(message)
        super().__init__(self.message)

    def format_message(self):
        return self.message


class Invalid(StratusException):
    msg_fmt = "Bad request."
    code = 400


class ValidationError(Invalid):
    msg_fmt = "Invalid input for field/attribute %(field)s. %(detail)s"


class InvalidInput(Invalid):
    msg_fmt = "Invalid input received: %(reason)s"


class NotAuthorized(StratusException):
    msg_fmt = "Not authorized."
    code = 403


class PolicyNotAuthorized(NotAuthorized):
    msg_fmt = "Policy doesn't allow %(action)s to be performed."


class Unauthorized(StratusException):
    msg_fmt = "The request you have made requires authentication."
    code = 401


class NotFound(StratusException):
    msg_fmt = "Resource could not be found."
    code = 404


class Conflict(StratusException):
    msg_fmt = "There was a conflict when trying to complete your request."
    code = 409


class QuotaError(StratusException):
    msg_fmt = "Quota exceeded: code=%(code)s"
    code = 413


class OverQuota(StratusException):
    msg_fmt = "Quota exceeded for resources: %(overs)s"
    code = 403


class DatabaseNotAvailable(StratusException):
    msg_fmt = "This service has no database access."


class CellNotTargeted(StratusException):
    msg_fmt = "No cell targeted for a cell database operation."


# Resources -------------------------------------------------------------

class InstanceNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s could not be found."


class InstanceExists(Conflict):
    msg_fmt = "Instance %(name)s already exists."


class FlavorNotFound(NotFound):
    msg_fmt = "Flavor %(flavor_id)s could not be found."


class FlavorExists(Conflict):
    msg_fmt = "Flavor with %(field)s %(value)s already exists."


class FlavorExtraSpecNotFound(NotFound):
    msg_fmt = ("Flavor %(flavor_id)s has no extra specs with key "
               "%(extra_specs_key)s.")


class FlavorAccessExists(Conflict):
    msg_fmt = ("Flavor access already exists for flavor %(flavor_id)s and "
               "project %(project_id)s combination.")


class FlavorAccessNotFound(NotFound):
    msg_fmt = ("Flavor access not found for %(flavor_id)s / %(project_id)s "
               "combination.")


class KeypairNotFound(NotFound):
    msg_fmt = "Keypair %(name)s not found for user %(user_id)s"


class KeyPairExists(Conflict):
    msg_fmt = "Key pair '%(key_name)s' already exists."


class InvalidKeypair(Invalid):
    msg_fmt = "Keypair data is invalid: %(reason)s"


class ImageNotFound(NotFound):
    msg_fmt = "Image %(image_id)s could not be found."


class ImageNotActive(Conflict):
    msg_fmt = "Image %(image_id)s is not active."


class ComputeHostNotFound(NotFound):
    msg_fmt = "Compute host %(host)s could not be found."


class HostMappingNotFound(NotFound):
    msg_fmt = "Host '%(name)s' is not mapped to any cell"


class HostMappingExists(Conflict):
    msg_fmt = "Host '%(name)s' mapping already exists"


class ComputeNodeNotFound(NotFound):
    msg_fmt = "Compute node %(node)s could not be found."


class HypervisorNotFound(NotFound):
    msg_fmt = "Hypervisor %(hypervisor)s could not be found."


class ServiceNotFound(NotFound):
    msg_fmt = "Service %(service_id)s could not be found."


class ServiceBinaryExists(Conflict):
    msg_fmt = "Service with host %(host)s binary %(binary)s exists."


class CellMappingNotFound(NotFound):
    msg_fmt = "Cell %(uuid)s has no mapping."


class InstanceMappingNotFound(NotFound):
    msg_fmt = "Instance %(uuid)s has no mapping to a cell."


class BuildRequestNotFound(NotFound):
    msg_fmt = "BuildRequest not found for instance %(uuid)s"


class RequestSpecNotFound(NotFound):
    msg_fmt = "RequestSpec not found for instance %(instance_uuid)s"


class InstanceActionNotFound(NotFound):
    msg_fmt = "Action for request_id %(request_id)s on instance %(instance_uuid)s not found"


class InstanceInvalidState(Conflict):
    msg_fmt = ("Cannot '%(action)s' instance %(instance_uuid)s while it is "
               "in %(attr)s %(state)s")


class UnshelveInstanceInvalidState(Conflict):
    msg_fmt = ("Specifying an availability zone or a host when unshelving "
               "server %(instance_uuid)s with status %(state)s is not "
               "supported. The server status must be SHELVED_OFFLOADED.")


class UnshelveHostNotInAZ(Conflict):
    msg_fmt = ('Host "%(host)s" is not in the availability zone '
               '"%(availability_zone)s".')


class InstanceIsLocked(Conflict):
    msg_fmt = "Instance %(instance_uuid)s is locked"


class UnexpectedTaskStateError(Conflict):
    msg_fmt = ("Conflict updating instance %(instance_uuid)s. Expected: "
               "%(expected)s. Actual: %(actual)s")


class UnexpectedDeletingTaskStateError(UnexpectedTaskStateError):
    pass


class InstanceTagNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s has no tag '%(tag)s'"


class TooManyInstances(OverQuota):
    msg_fmt = ("Quota exceeded for %(overs)s: Requested %(req)s, but already "
               "used %(used)s of %(allowed)s %(overs)s")


class NoValidHost(StratusException):
    msg_fmt = "No valid host was found. %(reason)s"


class MaxRetriesExceeded(NoValidHost):
    msg_fmt = "Exceeded maximum number of retries. %(reason)s"


class BuildAbortException(StratusException):
    msg_fmt = "Build of instance %(instance_uuid)s aborted: %(reason)s"


class RescheduledException(StratusException):
    msg_fmt = ("Build of instance %(instance_uuid)s was re-scheduled: "
               "%(reason)s")


class ConcurrentUpdate(Conflict):
    msg_fmt = "Another request changed %(what)s at the same time; retry."


class AvailabilityZoneNotFound(Invalid):
    msg_fmt = "The requested availability zone is not available"


# Servers -------------------------------------------------------------------

class IdempotencyKeyTaken(Conflict):
    msg_fmt = ("Another create of this project with Idempotency-Key "
               "%(key)s was stored first.")


class MarkerNotFound(NotFound):
    msg_fmt = "Marker %(marker)s could not be found."
    code = 400


class UnexpectedVMStateError(Conflict):
    msg_fmt = ("Unexpected VM state: expecting %(expected)s but the VM state "
               "is actually %(actual)s")


class InstanceActionEventNotFound(NotFound):
    msg_fmt = "Event %(event)s not found for action id %(action_id)s"


class TooManyTags(Invalid):
    msg_fmt = "The number of tags exceeded the per-server limit %(limit)d"


class FlavorMemoryTooSmall(Invalid):
    msg_fmt = "Flavor's memory is too small for requested image."


class FlavorDiskSmallerThanImage(Invalid):
    msg_fmt = ("Flavor's disk is too small for requested image. Flavor disk "
               "is %(flavor_size)i bytes, image is %(image_size)i bytes.")


class FlavorDiskSmallerThanMinDisk(Invalid):
    msg_fmt = ("Flavor's disk is smaller than the minimum size specified in "
               "image metadata. Flavor disk is %(flavor_size)i bytes, minimum "
               "size is %(image_min_disk)i bytes.")


class OnsetFileLimitExceeded(OverQuota):
    msg_fmt = "Personality file limit exceeded"


class OnsetFilePathLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = "Personality file path exceeds maximum %(allowed)s"


class OnsetFileContentLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = "Personality file content exceeds maximum %(allowed)s"


# Block device mappings (Nova's messages; every one is a 400 at create).

class InvalidBDM(Invalid):
    msg_fmt = "Block Device Mapping is Invalid."


class InvalidBDMFormat(InvalidBDM):
    msg_fmt = "Block Device Mapping is Invalid: %(details)s"


class InvalidBDMBootSequence(InvalidBDM):
    msg_fmt = ("Block Device Mapping is Invalid: Boot sequence for the "
               "instance and image/block device mapping combination is not "
               "valid.")


class InvalidBDMLocalsLimit(InvalidBDM):
    msg_fmt = ("Block Device Mapping is Invalid: You specified more local "
               "devices than the limit allows")


class InvalidBDMEphemeralSize(InvalidBDM):
    msg_fmt = ("Ephemeral disks requested are larger than the instance type "
               "allows. If no size is given in one block device mapping, "
               "flavor ephemeral size will be used.")


class InvalidBDMSwapSize(InvalidBDM):
    msg_fmt = "Swap drive requested is larger than instance type allows."


# Requested networks: Stratus has no network service yet, so no network or
# port a request names exists (Nova answers both with 400 at create).

class NetworkNotFound(Invalid):
    msg_fmt = "Network %(network_id)s could not be found."


class PortNotFound(Invalid):
    msg_fmt = "Port id %(port_id)s could not be found."


# Unreachable databases (down cells, 2.69). Never a 500: a 503 says to
# try again later.

class DatabaseUnreachable(StratusException):
    msg_fmt = "A database of this cloud cannot be reached; try again later."
    code = 503


class DatabaseRefused(DatabaseUnreachable):
    """No connection could be made at all: nothing was written."""


class WriteRefused(StratusException):
    msg_fmt = "The database refused a write: %(reason)s"


class CellDown(DatabaseUnreachable):
    msg_fmt = ("Cell %(cell_uuid)s is not responding, hence the information "
               "of server %(instance_uuid)s is not available; try again "
               "later.")


class CellNotResponding(DatabaseUnreachable):
    # Nova's words, when [api] list_records_by_skipping_down_cells is False.
    msg_fmt = ("Cell %(cell_uuid)s is not responding but configuration "
               "indicates that we should fail.")


class BrokerUnavailable(StratusException):
    msg_fmt = ("The message broker of this cloud cannot be reached; nothing "
               "was changed; try again later.")
    code = 503


class ConsoleTypeUnavailable(Invalid):
    msg_fmt = "Unavailable console type %(console_type)s."


class ConsolesNotSupportedByDriver(StratusException):
    """The host's driver has no remote consoles: Nova's 501 (its drivers
    raise NotImplementedError)."""
    msg_fmt = "The requested functionality is not supported."
    code = 501


# Server actions -------------------------------------------------------------

class InstanceNotReady(Conflict):
    msg_fmt = "Instance %(instance_id)s is not ready"


class ActionNotSupportedByDriver(Conflict):
    msg_fmt = ("The %(driver)s driver of host %(host)s does not support "
               "%(operation)s")


class InstancePasswordSetFailed(Conflict):
    msg_fmt = "Failed to set admin password on %(instance)s because %(reason)s"


class InstanceAgentNotEnabled(Conflict):
    msg_fmt = "Guest agent is not enabled for the instance"


class QemuGuestAgentNotEnabled(InstanceAgentNotEnabled):
    msg_fmt = "QEMU guest agent is not enabled"


class SetAdminPasswdNotSupported(Conflict):
    msg_fmt = "Set admin password is not supported"


class InstanceNotRescuable(Invalid):
    msg_fmt = "Instance %(instance_id)s cannot be rescued: %(reason)s"


class InstanceNotRunning(Invalid):
    msg_fmt = "Instance %(instance_id)s is not running."


class TriggerCrashDumpNotSupported(Invalid):
    msg_fmt = "Triggering crash dump is not supported"


class ImageMetadataLimitExceeded(NotAuthorized):
    msg_fmt = "Image metadata limit exceeded"


class ConsoleNotAvailable(NotFound):
    msg_fmt = "Guest does not have a console available."


class InterfaceHotplugNotSupported(Conflict):
    msg_fmt = ("Cannot %(action)s instance %(instance_uuid)s: its compute "
               "driver %(driver)s does not hot-plug network interfaces.")


class AttachNetworkNotFound(NotFound):
    """NetworkNotFound where Nova answers 404 (interface attach) rather
    than 400 (server create)."""
    msg_fmt = "Network %(network_id)s could not be found."


class AttachPortNotFound(NotFound):
    msg_fmt = "Port %(port_id)s could not be found."


# Moves -----------------------------------------------------------------------

class MigrationNotFound(NotFound):
    msg_fmt = "Migration %(migration_id)s could not be found."


class MigrationNotFoundByStatus(MigrationNotFound):
    msg_fmt = ("Migration not found for instance %(instance_id)s with status "
               "%(status)s.")


class MigrationStatusConflict(Conflict):
    msg_fmt = ("Migration %(migration_id)s is no longer in status "
               "%(expected)s.")


class CannotResizeToSameFlavor(Invalid):
    msg_fmt = "When resizing, instances must change flavor!"


class CannotResizeDisk(Invalid):
    msg_fmt = "Server disk was unable to be resized because: %(reason)s"


class CannotMigrateToSameHost(Invalid):
    msg_fmt = "Cannot migrate to the host where the server exists."


class MigrationPreCheckError(Invalid):
    msg_fmt = "Migration pre-check error: %(reason)s"


class UnableToMigrateToSelf(Invalid):
    msg_fmt = ("Unable to migrate instance (%(instance_id)s) to current "
               "host (%(host)s).")


class ComputeServiceUnavailable(StratusException):
    msg_fmt = "Compute service of %(host)s is unavailable at this time."
    code = 400


class ComputeServiceInUse(Invalid):
    msg_fmt = "Compute service of %(host)s is still in use."


class MigrationNotFoundForInstance(MigrationNotFound):
    msg_fmt = ("Migration %(migration_id)s not found for instance "
               "%(instance_id)s")


class InvalidMigrationState(Invalid):
    msg_fmt = ("Migration %(migration_id)s state of instance "
               "%(instance_uuid)s is %(state)s. Cannot %(method)s while the "
               "migration is in this state.")


class LiveMigrationAborted(StratusException):
    msg_fmt = "Live migration of instance %(instance_uuid)s was aborted"


class ResizeError(StratusException):
    msg_fmt = "Resize error: %(reason)s"


class MigrationError(StratusException):
    msg_fmt = "Migration error: %(reason)s"


class MigrationCancelled(StratusException):
    msg_fmt = "Live migration %(migration_id)s was cancelled"


class UnshelveException(StratusException):
    msg_fmt = "Error during unshelve instance %(instance_id)s: %(reason)s"


class GroupPolicyViolation(Conflict):
    """The host would break the group's policy now that other members
    are placed. hosts: the other members' hosts seen under the lock."""

    msg_fmt = "Host %(host)s would break the %(policy)s policy of %(group)s"

    def __init__(self, group, host, hosts):
        self.hosts = hosts
        super().__init__(host=host, policy=group.policy, group=group.uuid)


class NetworkSetupError(StratusException):
    msg_fmt = "Cannot set up the network on bridge %(bridge)s: %(reason)s"


class NoMoreFixedIps(StratusException):
    msg_fmt = "No more fixed IP addresses on network %(network)s"


class BootFromVolumeRequiredForZeroDiskFlavor(NotAuthorized):
    msg_fmt = ("Only volume-backed servers are allowed for flavors with "
               "zero disk.")


class InvalidAggregateAction(Invalid):
    msg_fmt = ("Unacceptable parameters: Cannot %(action)s aggregate "
               "%(aggregate_id)s. Reason: %(reason)s.")


class AggregateNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s could not be found."


class AggregateNameExists(Conflict):
    msg_fmt = "Aggregate %(aggregate_name)s already exists."


class AggregateHostExists(Conflict):
    msg_fmt = ("Aggregate %(aggregate_id)s already has host %(host)s.")


class AggregateHostNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s has no host %(host)s."


class InstanceGroupNotFound(NotFound):
    msg_fmt = "Instance group %(group_uuid)s could not be found."


class LibvirtDriverError(StratusException):
    msg_fmt = "libvirt error: %(reason)s"


class DiskError(StratusException):
    msg_fmt = "%(command)s failed: %(reason)s"


class InjectedFailure(StratusException):
    msg_fmt = "%(operation)s failed: %(reason)s"


class ConfigDriveError(StratusException):
    msg_fmt = "Cannot build the config drive: %(reason)s"


class SpawnFailed(StratusException):
    msg_fmt = "Failed to spawn instance %(instance_uuid)s: %(reason)s"


class DriverNotAvailable(StratusException):
    msg_fmt = "Compute driver %(driver)s cannot be used: %(reason)s"


class ComputeTooOld(Conflict):
    msg_fmt = ("The compute services run an RPC version older than %(version)s"
               " ([upgrade_levels] compute), which this action needs.")


class NoInstancesForEvents(NotFound):
    msg_fmt = "No instances found for any event"


class PasswordAlreadySet(Conflict):
    msg_fmt = "The password of instance %(instance_uuid)s is set already."


# A server's ports in the network service (stratus/network/server_ports.py).

class NetworkAmbiguous(StratusException):
    msg_fmt = ("More than one possible network found. Specify network ID(s) "
               "to select which one(s) to connect to.")
    code = 409


class SecurityGroupNotFound(StratusException):
    msg_fmt = "Security group %(security_group_id)s not found."
    code = 404


class PortNotFoundForServer(NotFound):
    """Nova's PortNotFound where it answers 404 (a server's interface)."""
    msg_fmt = "Port id %(port_id)s could not be found."


class FixedIpAlreadyInUse(Conflict):
    msg_fmt = ("Fixed IP address %(address)s is already in use on instance "
               "%(instance_uuid)s.")


class FixedIpNotFoundForSpecificInstance(Invalid):
    msg_fmt = "Instance %(instance_uuid)s doesn't have fixed IP '%(ip)s'."


class SecurityGroupNameNotFound(Invalid):
    """A server create names a security group the project does not have
    (Nova's 400)."""
    msg_fmt = "Unable to find security_group with name or id '%(name)s'"


class NoUniqueMatch(StratusException):
    msg_fmt = "No Unique Match Found."
    code = 409


class PortInUse(StratusException):
    msg_fmt = "Port %(port_id)s is still in use."
    code = 409


class VirtualInterfaceCreateException(StratusException):
    msg_fmt = "Virtual Interface creation failed"


class InvalidVolume(Invalid):
    """A volume Nova would refuse to use: %(reason)s (not available, not
    multiattach, another availability zone ...)."""
    msg_fmt = "Invalid volume: %(reason)s"


class VolumeAttachFailed(StratusException):
    msg_fmt = "Volume %(volume_id)s could not be attached. Reason: %(reason)s"


class VolumeDetachFailed(StratusException):
    msg_fmt = "Volume %(volume_id)s could not be detached. Reason: %(reason)s"


class VolumeDriverNotFound(StratusException):
    msg_fmt = "Could not find a handler for %(driver_type)s volume."


# Block device mappings of servers' volumes (helper attach).

class BDMNotFound(NotFound):
    msg_fmt = "No Block Device Mapping with id %(id)s."


class VolumeBDMNotFound(NotFound):
    msg_fmt = "No volume Block Device Mapping with id %(volume_id)s."


class ConductorTooOld(Conflict):
    msg_fmt = ("The conductors run an RPC version older than %(version)s"
               " ([upgrade_levels] conductor), which this call needs.")


class DevicePathInUse(Invalid):
    msg_fmt = "The supplied device path (%(path)s) is in use."
    code = 409


class VolumeTaggedAttachNotSupported(Invalid):
    msg_fmt = ("Tagged volume attachment is not supported for this server "
               "instance.")


class MultiattachNotSupportedByVirtDriver(Invalid):
    msg_fmt = ("Volume %(volume_id)s has 'multiattach' set, which is not "
               "supported for this instance.")
    code = 409


class MultiattachNotSupportedOldMicroversion(Invalid):
    msg_fmt = ("Multiattach volumes are only supported starting with "
               "compute API version 2.60.")


class VolumeTaggedAttachToShelvedNotSupported(Invalid):
    msg_fmt = ("Tagged volume attachment is not supported for "
               "shelved-offloaded instances.")


class MultiattachToShelvedNotSupported(Invalid):
    msg_fmt = ("Attaching multiattach volumes is not supported for "
               "shelved-offloaded instances.")


class ReimageException(StratusException):
    msg_fmt = "Reimaging volume failed: %(reason)s"


class VolumeTypeNotFound(Invalid):
    # Nova's message; its server create answers it 400.
    msg_fmt = "Volume type %(id_or_name)s could not be found."


class ServiceTooOld(StratusException):
    # What a compute older than the control plane supports is answered
    # (its first report), and what a control plane that finds one in the
    # database stops with: Nova's TooOldComputeService.
    msg_fmt = ("%(binary)s on %(host)s runs service version %(version)s; "
               "this control plane supports %(oldest)s and newer. Upgrade "
               "it to a supported release before it starts.")


class ComputesTooOld(Conflict):
    msg_fmt = ("%(feature)s needs every compute service at version "
               "%(version)s or newer; the oldest runs %(minimum)s.")
