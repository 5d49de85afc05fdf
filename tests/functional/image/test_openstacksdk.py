"""openstacksdk against the built-in Image service over HTTP, with tokens
of the built-in Identity service: list, upload, download, update, delete."""
import hashlib
import os

import openstack.exceptions
import pytest

pytestmark = pytest.mark.slow


def test_image_life_cycle_with_openstacksdk(served):
    admin = served.connect("admin", "admin", "admin")
    assert [image.name for image in admin.image.images()] == ["stratus-tiny"]

    data = os.urandom(3 * 1024 * 1024 + 17)
    image = admin.image.create_image(
        name="sdk-image", data=data, disk_format="raw",
        container_format="bare", visibility="private", os_distro="test",
        validate_checksum=True)
    fetched = admin.image.get_image(image.id)
    assert fetched.status == "active"
    assert fetched.size == len(data)
    assert fetched.checksum == hashlib.md5(data).hexdigest()
    assert fetched.os_distro == "test"
    assert admin.image.download_image(fetched).content == data

    admin.image.update_image(fetched, name="sdk-renamed", min_ram=64)
    admin.image.add_tag(fetched, "golden")
    renamed = admin.image.find_image("sdk-renamed")
    assert (renamed.min_ram, renamed.tags) == (64, ["golden"])

    demo = served.connect("demo", "demo", "demo")
    assert "sdk-renamed" not in [i.name for i in demo.image.images()]
    with pytest.raises(openstack.exceptions.NotFoundException):
        demo.image.get_image(image.id)
    with pytest.raises(openstack.exceptions.ForbiddenException):
        demo.image.delete_image(admin.image.find_image("stratus-tiny"))

    admin.image.delete_image(fetched)
    with pytest.raises(openstack.exceptions.NotFoundException):
        admin.image.get_image(image.id)
