"""The virt driver a compute runs: [DEFAULT] compute_driver names it."""
from stratus.virt.fake import driver as fake_driver
from stratus.virt.libvirt import driver as libvirt_driver
from stratus import exception


def load_driver(conf, host, image_api=None):
    """The driver [DEFAULT] compute_driver names, for this host. Drivers
    that fetch images use image_api (a stratus.image.client.ImageAPI),
    or else one for [glance] api_servers."""
    name = conf.compute_driver
    if name == "fake":
        return fake_driver.FakeDriver(conf, host)
    if name == "libvirt":
        return libvirt_driver.LibvirtDriver(conf, host, image_api=image_api)
    raise exception.DriverNotAvailable(driver=name, reason="no such driver")
