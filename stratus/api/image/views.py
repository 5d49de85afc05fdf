"""The Glance v2 image document."""
from stratus.api import wsgi


def image_document(image):
    """Extra properties flat beside the core attributes, as Glance shows
    them; links relative to the service root."""
    document = dict(image.properties or {})
    document.update(
        id=image.id, name=image.name, status=image.status,
        visibility=image.visibility, owner=image.owner,
        container_format=image.container_format,
        disk_format=image.disk_format, size=image.size,
        virtual_size=image.virtual_size, checksum=image.checksum,
        os_hash_algo=image.os_hash_algo, os_hash_value=image.os_hash_value,
        min_disk=image.min_disk, min_ram=image.min_ram,
        protected=image.protected, os_hidden=image.os_hidden,
        tags=list(image.tags or []),
        created_at=wsgi.isotime(image.created_at),
        updated_at=wsgi.isotime(image.updated_at or image.created_at),
        self="/v2/images/%s" % image.id,
        file="/v2/images/%s/file" % image.id,
        schema="/v2/schemas/image")
    return document
