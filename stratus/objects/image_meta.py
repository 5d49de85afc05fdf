"""ImageMeta: what the compute side needs to know of an image."""
from stratus.objects import base
from stratus.objects import fields


@base.register
class ImageMeta(base.StratusObject):
    VERSION = "1.0"
    fields = {
        "id": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "status": fields.StringField(nullable=True),
        "size": fields.IntegerField(nullable=True),
        "min_disk": fields.IntegerField(default=0),
        "min_ram": fields.IntegerField(default=0),
        "disk_format": fields.StringField(nullable=True),
        "container_format": fields.StringField(nullable=True),
        "checksum": fields.StringField(nullable=True),
        "owner": fields.StringField(nullable=True),
        "created_at": fields.DateTimeField(nullable=True),
        "updated_at": fields.DateTimeField(nullable=True),
        # Every other image property (kernel_id, hw_*, os_distro, ...).
        "properties": fields.DictOfNullableStringsField(default={}),
    }

    @classmethod
    def from_image_dict(cls, image):
        """From a Glance v2 image document."""
        known = {"id", "name", "status", "size", "min_disk", "min_ram",
                 "disk_format", "container_format", "checksum", "owner",
                 "created_at", "updated_at"}
        meta = cls(id=image["id"], name=image.get("name"),
                   status=image.get("status"), size=image.get("size"),
                   min_disk=image.get("min_disk") or 0,
                   min_ram=image.get("min_ram") or 0,
                   disk_format=image.get("disk_format"),
                   container_format=image.get("container_format"),
                   checksum=image.get("checksum"), owner=image.get("owner"))
        skip = known | {"tags", "visibility", "protected", "file", "schema",
                        "self", "virtual_size", "os_hash_algo",
                        "os_hash_value", "locations", "direct_url"}
        meta.properties = {k: None if v is None else str(v)
                           for k, v in image.items() if k not in skip}
        return meta
