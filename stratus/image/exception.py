"""Exceptions of the built-in image service, as its API answers them."""
from stratus import exception


class TinyImageError(exception.StratusException):
    msg_fmt = "Cannot build the tiny guest image: %(reason)s"


class ImageAttributeForbidden(exception.NotAuthorized):
    msg_fmt = "Attribute '%(name)s' is %(kind)s."


class PropertyNotFound(exception.Conflict):
    msg_fmt = "Property %(name)s does not exist."


class UnsupportedMediaType(exception.StratusException):
    code = 415
    msg_fmt = "Unsupported Content-Type: %(content_type)s"


class ImageForbidden(exception.NotAuthorized):
    msg_fmt = "You are not authorized to complete %(action)s action."


class ImageProtected(exception.NotAuthorized):
    msg_fmt = "Image %(image_id)s is protected and cannot be deleted."


class ImageExists(exception.Conflict):
    msg_fmt = "Image with identifier %(image_id)s already exists!"


class InvalidImageStatus(exception.Conflict):
    msg_fmt = ("Image status transition from %(current)s to %(wanted)s is "
               "not allowed")


class ImageDeletedDuringUpload(exception.StratusException):
    code = 410
    msg_fmt = ("Image %(image_id)s could not be found after upload. The "
               "image may have been deleted during the upload.")


class TagNotFound(exception.NotFound):
    msg_fmt = "Tag %(tag)s not found on image %(image_id)s."


class MetadefNamespaceNotFound(exception.NotFound):
    msg_fmt = "Metadata definition namespace=%(namespace)s was not found."


class MetadefDuplicateNamespace(exception.Conflict):
    msg_fmt = "The metadata definition namespace=%(namespace)s already exists."


class MetadefNamespaceProtected(exception.NotAuthorized):
    msg_fmt = ("Namespace %(namespace)s is protected and cannot be "
               "deleted.")


class MetadefItemNotFound(exception.NotFound):
    msg_fmt = ("Metadata definition %(kind)s=%(name)s was not found in "
               "namespace=%(namespace)s.")


class MetadefDuplicateItem(exception.Conflict):
    msg_fmt = ("A metadata definition %(kind)s with name=%(name)s already "
               "exists in namespace=%(namespace)s.")



class ImageActionForbidden(exception.NotAuthorized):
    msg_fmt = "Not allowed to %(action)s image in status '%(status)s'"


class ImageDeactivated(exception.NotAuthorized):
    msg_fmt = ("The requested image has been deactivated. Image data "
               "download is forbidden.")
