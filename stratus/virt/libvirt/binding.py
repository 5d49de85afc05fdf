"""The libvirt-python binding (``None`` when the extra is not installed)
and its errors as Stratus's."""
from stratus import exception

try:
    import libvirt
except ImportError:  # the extra is not installed: the driver says so
    libvirt = None


def call(method, *args):
    """method(*args), its libvirtError a exception.LibvirtDriverError."""
    try:
        return method(*args)
    except libvirt.libvirtError as error:
        raise exception.LibvirtDriverError(reason=error.get_error_message()) \
            from error
