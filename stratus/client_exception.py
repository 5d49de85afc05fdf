"""The errors of the services Stratus calls as their REST client reports
them: the image service (stratus.image.client), the network service
(stratus.network.neutron) and the block storage service
(stratus.volume.cinder). stratus.exception publishes them under its own
name, where callers find them (``exception.VolumeNotFound``).
"""
from stratus.exception import Conflict
from stratus.exception import Invalid
from stratus.exception import NotAuthorized
from stratus.exception import NotFound
from stratus.exception import OverQuota
from stratus.exception import StratusException


class ImageServiceError(StratusException):
    msg_fmt = "The image service failed: %(reason)s"


class ImageServiceUnavailable(ImageServiceError):
    """The image service cannot be reached, or answered that it cannot
    serve now (its database is away, it is restarting): a 503 for the
    caller, who tries again, as Nova answers when Glance is away."""
    msg_fmt = "The image service is unavailable: %(reason)s"
    code = 503


# The network service (Neutron, or the built-in one) as its REST client
# (stratus.network.neutron) reports its errors. Each it raises keeps
# Neutron's error type as ``neutron_type`` (NetworkNotFound, PortInUse,
# OverQuota ..., or None).

class NetworkServiceError(StratusException):
    msg_fmt = "The network service failed: %(reason)s"


class NetworkServiceUnavailable(NetworkServiceError):
    """The network service cannot be reached, or answered that it cannot
    serve now: a 503 for the caller, who tries again."""
    msg_fmt = "The network service is unavailable: %(reason)s"
    code = 503


class NetworkResourceNotFound(NotFound):
    """The network service has no such network, port, subnet ... (or
    hides it from the caller): its 404."""
    msg_fmt = "%(reason)s"


class NetworkServiceConflict(Conflict):
    """The network service's 409 (PortInUse, IpAddressInUse,
    MacAddressInUse, NetworkInUse ...)."""
    msg_fmt = "%(reason)s"


class PortLimitExceeded(OverQuota):
    """Neutron's OverQuota for ports, as Nova names it."""
    msg_fmt = "Maximum number of ports exceeded"


class NetworkServiceBadRequest(Invalid):
    """The network service refused the request as malformed (its 400)."""
    msg_fmt = "%(reason)s"


class NetworkServiceForbidden(NotAuthorized):
    """The network service's policy refused the caller (its 403)."""
    msg_fmt = "%(reason)s"


# The block storage service (Cinder, or the built-in one) as its REST
# client (stratus.volume.cinder) reports its errors. Each keeps Cinder's
# error key as ``cinder_type`` (itemNotFound, badRequest, overLimit ...).

class VolumeServiceError(StratusException):
    msg_fmt = "The block storage service failed: %(reason)s"


class VolumeServiceUnavailable(VolumeServiceError):
    """The block storage service cannot be reached, or answered that it
    cannot serve now: a 503 for the caller, who tries again."""
    msg_fmt = "The block storage service is unavailable: %(reason)s"
    code = 503


class VolumeNotFound(NotFound):
    msg_fmt = "Volume %(volume_id)s could not be found."


class SnapshotNotFound(NotFound):
    msg_fmt = "Snapshot %(snapshot_id)s could not be found."


class VolumeAttachmentNotFound(NotFound):
    msg_fmt = "Volume attachment %(attachment_id)s could not be found."


class VolumeServiceNotFound(NotFound):
    """Another resource of the block storage service is missing (its
    404: a volume type, a backup ...)."""
    msg_fmt = "%(reason)s"


class VolumeServiceConflict(Conflict):
    """The block storage service's 409 (a volume in use, busy ...)."""
    msg_fmt = "%(reason)s"


class VolumeServiceBadRequest(Invalid):
    """The block storage service refused the request (its 400: an
    invalid volume, a volume in the wrong status ...)."""
    msg_fmt = "%(reason)s"


class VolumeServiceForbidden(NotAuthorized):
    """The block storage service's policy refused the caller (its 403)."""
    msg_fmt = "%(reason)s"


class VolumeLimitExceeded(OverQuota):
    """The block storage service's 413 overLimit (its quotas)."""
    msg_fmt = "Volume resource quota exceeded: %(reason)s"
