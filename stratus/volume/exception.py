"""Errors of the built-in block storage service, with Cinder's messages
and status codes. The API renders them in Cinder's error body
(``{"itemNotFound": {"code": 404, "message": ...}}``)."""
from stratus import exception


class CinderException(exception.StratusException):
    msg_fmt = "An unknown exception occurred."
    code = 500


class Invalid(CinderException):
    code = 400
    msg_fmt = "Unacceptable parameters."


class InvalidInput(Invalid):
    msg_fmt = "Invalid input received: %(reason)s"


class InvalidVolume(Invalid):
    msg_fmt = "Invalid volume: %(reason)s"


class InvalidSnapshot(Invalid):
    msg_fmt = "Invalid snapshot: %(reason)s"


class InvalidVolumeType(Invalid):
    msg_fmt = "Invalid volume type: %(reason)s"


class InvalidAttachment(Invalid):
    msg_fmt = "Invalid attachment: %(reason)s"


class InvalidImage(Invalid):
    msg_fmt = ("Invalid image identifier or unable to access requested "
               "image.")


class VolumeTypeInUse(Invalid):
    msg_fmt = ("Volume Type %(volume_type_id)s deletion is not allowed "
               "with volumes present with the type.")


class NotFound(CinderException):
    code = 404
    msg_fmt = "Resource could not be found."


class VolumeNotFound(NotFound):
    msg_fmt = "Volume %(volume_id)s could not be found."


class SnapshotNotFound(NotFound):
    msg_fmt = "Snapshot %(snapshot_id)s could not be found."


class AttachmentNotFound(NotFound):
    msg_fmt = "Volume attachment could not be found with filter: " \
              "attachment_id = %(attachment_id)s."


class VolumeTypeNotFound(NotFound):
    msg_fmt = "Volume type %(volume_type_id)s could not be found."


class VolumeTypeExtraSpecsNotFound(NotFound):
    msg_fmt = ("Volume Type %(volume_type_id)s has no extra specs with "
               "key %(extra_specs_key)s.")


class VolumeMetadataNotFound(NotFound):
    msg_fmt = ("Volume %(volume_id)s has no metadata with key "
               "%(metadata_key)s.")


class SnapshotMetadataNotFound(NotFound):
    msg_fmt = ("Snapshot %(snapshot_id)s has no metadata with key "
               "%(metadata_key)s.")


class AvailabilityZoneNotFound(Invalid):
    msg_fmt = "Availability zone '%(az)s' is invalid."


class VolumeTypeExists(CinderException):
    code = 409
    msg_fmt = "Volume Type %(id)s already exists."


class QuotaError(CinderException):
    code = 413
    msg_fmt = "Quota exceeded: code=%(code)s"


class VolumeSizeExceedsAvailableQuota(QuotaError):
    msg_fmt = ("Requested volume or snapshot exceeds allowed %(name)s "
               "quota. Requested %(requested)sG, quota is %(quota)sG and "
               "%(consumed)sG has been consumed.")


class VolumeSizeExceedsLimit(QuotaError):
    msg_fmt = ("Requested volume size %(size)dG is larger than maximum "
               "allowed limit %(limit)dG.")


class VolumeLimitExceeded(QuotaError):
    msg_fmt = ("Maximum number of volumes allowed (%(allowed)d) exceeded "
               "for quota '%(name)s'.")


class SnapshotLimitExceeded(QuotaError):
    msg_fmt = ("Maximum number of snapshots allowed (%(allowed)d) "
               "exceeded")




class VersionNotFoundForAPIMethod(NotFound):
    msg_fmt = "API version %(version)s is not supported on this method."


class InvalidAPIVersionString(Invalid):
    msg_fmt = ("API Version String %(version)s is of invalid format. Must "
               "be of format MajorNum.MinorNum.")


class InvalidGlobalAPIVersion(CinderException):
    code = 406
    msg_fmt = ("Version %(req_ver)s is not supported by the API. Minimum "
               "is %(min_ver)s and maximum is %(max_ver)s.")
