"""Images of the built-in Image service: records in the API database, data
in files under [glance] store_dir (or <state_path>/images).

Who sees what: public and community images are visible to everyone;
private and shared ones to their owner (there are no image members, so a
shared image is private in practice); administrators see everything.
Only the owner or an administrator changes or deletes an image.

An upload streams into a temporary file, hashing as it goes, and moves it
into place when the image record goes from ``saving`` to ``active`` in
one conditional update; if the image was deleted meanwhile the data is
dropped. A failed upload puts the image back to ``queued``.
"""
import hashlib
import os
import struct
import tempfile

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.conf import default as default_conf
from stratus.db import api_models
from stratus import exception
from stratus.image import exception as image_exception

Image = api_models.Image
_IMAGE_BY_ID = sa.select(Image.__table__).where(
    Image.__table__.c.id == sa.bindparam("image_id"))
CHUNK_SIZE = 64 * 1024
_QCOW2_MAGIC = b"QFI\xfb"


def data_dir(conf):
    return conf.glance.store_dir or default_conf.state_dir(conf, "images")


def is_visible(ctx, image):
    return (ctx.is_admin or image.visibility in ("public", "community")
            or (image.owner is not None and image.owner == ctx.project_id))


def may_modify(ctx, image):
    return ctx.is_admin or (image.owner is not None
                            and image.owner == ctx.project_id)


def qcow2_virtual_size(head):
    """The virtual size in a qcow2 header (its first 32 bytes), or None."""
    if len(head) < 32 or head[:4] != _QCOW2_MAGIC:
        return None
    return struct.unpack(">Q", head[24:32])[0]


class ImageStore:
    def __init__(self, databases, data_directory):
        self.db = databases.api
        self.data_directory = data_directory

    def data_path(self, image_id):
        return os.path.join(self.data_directory, image_id)

    # Records ---------------------------------------------------------------

    def get(self, ctx, image_id):
        """The image if ctx may see it, as a read-only row (changes go
        through update()); ImageNotFound otherwise. Read on every boot."""
        with self.db.reader() as session:
            image = session.execute(_IMAGE_BY_ID,
                                    {"image_id": image_id}).first()
        if image is None or not is_visible(ctx, image):
            raise exception.ImageNotFound(image_id=image_id)
        return image

    def list(self, ctx, **column_filters):
        """Images ctx may see whose columns equal column_filters."""
        query = sa.select(Image)
        for column, value in column_filters.items():
            query = query.where(getattr(Image, column) == value)
        if not ctx.is_admin:
            query = query.where(sa.or_(
                Image.visibility.in_(["public", "community"]),
                Image.owner == ctx.project_id))
        with self.db.reader() as session:
            images = list(session.scalars(query))
            session.expunge_all()
        return images

    def create(self, ctx, values):
        image = Image(status="queued", **values)
        try:
            with self.db.writer() as session:
                session.add(image)
        except sa_exc.IntegrityError:
            raise image_exception.ImageExists(image_id=values["id"])
        return image

    def update(self, ctx, image_id, change):
        """Call change(image) on the locked record and save what it did."""
        with self.db.writer() as session:
            image = self._modifiable(session, ctx, image_id, "modify_image")
            change(image)
        return image

    def delete(self, ctx, image_id):
        with self.db.writer() as session:
            image = self._modifiable(session, ctx, image_id, "delete_image")
            if image.protected:
                raise image_exception.ImageProtected(image_id=image_id)
            session.delete(image)
        self._remove_data(image_id)

    def _modifiable(self, session, ctx, image_id, action):
        image = session.get(Image, image_id, with_for_update=True)
        if image is None or not is_visible(ctx, image):
            raise exception.ImageNotFound(image_id=image_id)
        if not may_modify(ctx, image):
            raise image_exception.ImageForbidden(action=action, image_id=image_id)
        return image

    # Data ------------------------------------------------------------------

    def store_data(self, ctx, image_id, chunks):
        """Stream chunks (an iterable of bytes) in as the image's data; the
        active image."""
        def start_saving(image):
            if image.status != "queued":
                raise image_exception.InvalidImageStatus(current=image.status,
                                         wanted="saving")
            if not image.disk_format or not image.container_format:
                raise exception.Invalid(
                    "Properties disk_format, container_format must be set "
                    "prior to saving data.")
            image.status = "saving"
        saving = self.update(ctx, image_id, start_saving)
        os.makedirs(self.data_directory, mode=0o700, exist_ok=True)
        fd, tmp_path = tempfile.mkstemp(dir=self.data_directory,
                                        prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as data_file:
                written = _copy_hashing(chunks, data_file,
                                        saving.disk_format)
            os.replace(tmp_path, self.data_path(image_id))
        except BaseException:
            _remove_quietly(tmp_path)
            self._set_status(image_id, "saving", "queued")
            raise
        return self._activate(image_id, written)

    def _activate(self, image_id, written):
        with self.db.writer() as session:
            activated = session.execute(
                sa.update(Image).where(Image.id == image_id,
                                       Image.status == "saving")
                .values(status="active", **written)).rowcount
        if not activated:
            self._remove_data(image_id)
            raise image_exception.ImageDeletedDuringUpload(image_id=image_id)
        with self.db.reader() as session:
            active = session.get(Image, image_id)
            session.expunge(active)
        return active

    def _set_status(self, image_id, current, wanted):
        with self.db.writer() as session:
            session.execute(sa.update(Image).where(
                Image.id == image_id, Image.status == current).values(
                    status=wanted))

    def open_data(self, image):
        """A file object of an active image's data."""
        try:
            return open(self.data_path(image.id), "rb")
        except FileNotFoundError:
            raise exception.ImageNotFound(image_id=image.id)

    def _remove_data(self, image_id):
        _remove_quietly(self.data_path(image_id))


def _copy_hashing(chunks, data_file, disk_format):
    """Write chunks to data_file; the image columns describing the data."""
    md5 = hashlib.md5(usedforsecurity=False)
    sha512 = hashlib.sha512()
    size = 0
    head = b""
    for chunk in chunks:
        if not chunk:
            continue
        if len(head) < 32:
            head += chunk[:32 - len(head)]
        md5.update(chunk)
        sha512.update(chunk)
        size += len(chunk)
        data_file.write(chunk)
    data_file.flush()
    os.fsync(data_file.fileno())
    if disk_format == "qcow2":
        virtual_size = qcow2_virtual_size(head)
    elif disk_format in ("raw", "iso"):
        virtual_size = size
    else:
        virtual_size = None  # a format whose header we do not read
    return {"size": size, "checksum": md5.hexdigest(),
            "os_hash_algo": "sha512", "os_hash_value": sha512.hexdigest(),
            "virtual_size": virtual_size}


def _remove_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
