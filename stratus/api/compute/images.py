"""/images: the image service seen through the compute API (up to 2.35,
404 above, as in Nova).

``req.app.image_api`` returns Glance v2 documents; this module turns them
into Nova's image view: custom properties become ``metadata``, Glance's
status becomes ACTIVE/SAVING/DELETED/ERROR/UNKNOWN with a progress.
"""
import datetime

from oslo_utils import strutils

from stratus.api.compute import links
from stratus.api import errors
from stratus.api import wsgi
from stratus import exception
from stratus.policies import images as policies

MAX_VERSION = (2, 35)

# Glance v2 attributes that are not custom properties.
_CORE_ATTRIBUTES = frozenset((
    "id", "name", "status", "visibility", "protected", "checksum",
    "os_hash_algo", "os_hash_value", "owner", "size", "virtual_size",
    "min_ram", "min_disk", "container_format", "disk_format", "created_at",
    "updated_at", "deleted", "deleted_at", "tags", "self", "file", "schema",
    "locations", "direct_url", "os_hidden", "stores", "is_public"))

_STATUS = {"active": "ACTIVE", "queued": "SAVING", "saving": "SAVING",
           "deleted": "DELETED", "pending_delete": "DELETED",
           "killed": "ERROR"}
_PROGRESS = {"queued": 25, "saving": 50, "active": 100}

# compute API query parameter -> Glance v2 filter
_FILTERS = {"name": "name", "status": "status", "server": "instance_uuid",
            "type": "image_type"}


def require_version(req, max_version):
    """The proxy APIs are gone above their last microversion."""
    if req.api_version > max_version:
        raise errors.not_found("The resource could not be found.")


def image_not_found():
    return errors.not_found("Image not found.")


def get_image(req, image_id):
    try:
        return req.app.image_api.get(req.context, image_id)
    except exception.ImageNotFound:
        raise image_not_found()


def properties(image):
    """An image's custom properties."""
    return {key: value for key, value in image.items()
            if key not in _CORE_ATTRIBUTES}


def _parse_time(text):
    """An aware datetime from an ISO 8601 string (UTC if no offset)."""
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value


def _timestamp(text):
    return wsgi.isotime(_parse_time(text)) if text else None


def _glance_url(req):
    conf = req.app.conf
    url = conf.glance.api_servers or "http://%s:%d" % (conf.glance.listen,
                                                        conf.glance.port)
    return links.with_prefix(url.split(",")[0].strip(),
                             conf.api.glance_link_prefix)


def _image_links(req, image_id):
    return links.resource_links(req, "images", image_id) + [{
        "rel": "alternate", "type": "application/vnd.openstack.image",
        "href": "%s/images/%s" % (_glance_url(req), image_id)}]


def image_view(req, image, detail=True):
    body = {"id": image["id"], "name": image.get("name"),
            "links": _image_links(req, image["id"])}
    if not detail:
        return body
    metadata = properties(image)
    status = image.get("status")
    body.update({
        "minRam": int(image.get("min_ram") or 0),
        "minDisk": int(image.get("min_disk") or 0),
        "metadata": metadata,
        "created": _timestamp(image.get("created_at")),
        "updated": _timestamp(image.get("updated_at")),
        "status": _STATUS.get(status, "UNKNOWN"),
        "progress": _PROGRESS.get(status, 0),
        "OS-EXT-IMG-SIZE:size": image.get("size"),
    })
    if "auto_disk_config" in metadata:
        auto = strutils.bool_from_string(metadata["auto_disk_config"])
        body["OS-DCF:diskConfig"] = "AUTO" if auto else "MANUAL"
    server_uuid = metadata.get("instance_uuid")
    if server_uuid is not None:
        body["server"] = {"id": server_uuid, "links": links.resource_links(
            req, "servers", server_uuid)}
    return body


def _changes_since(req):
    text = req.GET["changes-since"]
    try:
        return _parse_time(text)
    except ValueError:
        raise errors.bad_request("Invalid changes-since value [%s]" % text)


def _client_side_match(req):
    """A predicate for the filters the image service has no query for:
    minRam, minDisk (at least) and changes-since (updated since)."""
    minimums = {field: links.int_filter(req, param) for param, field in
                (("minRam", "min_ram"), ("minDisk", "min_disk"))
                if param in req.GET}
    since = _changes_since(req) if "changes-since" in req.GET else None

    def matches(image):
        if any(int(image.get(field) or 0) < minimum
               for field, minimum in minimums.items()):
            return False
        return since is None or _parse_time(image["updated_at"]) >= since
    return matches


def _page(req, images):
    limit, marker = links.limit_and_marker(req)
    if marker is not None:
        ids = [image["id"] for image in images]
        if marker not in ids:
            raise errors.bad_request("marker [%s] not found" % marker)
        images = images[ids.index(marker) + 1:]
    return images[:limit]


def _list_images(req, detail):
    require_version(req, MAX_VERSION)
    req.authorize(policies.POLICY_ROOT % "index")
    filters = {glance: req.GET[param] for param, glance in _FILTERS.items()
               if param in req.GET}
    if "server" in req.GET:
        filters["instance_uuid"] = req.GET["server"].rsplit("/", 1)[-1]
    if "status" in filters:
        filters["status"] = filters["status"].lower()
    filters.update({key[len("property-"):]: value
                    for key, value in req.GET.items()
                    if key.startswith("property-")})
    matches = _client_side_match(req)
    images = _page(req, [image for image in req.app.image_api.list(
        req.context, **filters) if matches(image)])
    body = {"images": [image_view(req, image, detail) for image in images]}
    collection = "images/detail" if detail else "images"
    next_links = links.next_links(req, images, collection,
                                  lambda image: image["id"])
    if next_links:
        body["images_links"] = next_links
    return wsgi.json_response(req, body)


def list_images(req):
    return _list_images(req, detail=False)


def list_images_detail(req):
    return _list_images(req, detail=True)


def show_image(req, image_id):
    require_version(req, MAX_VERSION)
    req.authorize(policies.POLICY_ROOT % "show")
    return wsgi.json_response(
        req, {"image": image_view(req, get_image(req, image_id))})


def delete_image(req, image_id):
    require_version(req, MAX_VERSION)
    req.authorize(policies.POLICY_ROOT % "delete")
    try:
        req.app.image_api.delete(req.context, image_id)
    except exception.ImageNotFound:
        raise image_not_found()
    except exception.NotAuthorized:
        raise errors.forbidden("You are not allowed to delete the image.")
    return wsgi.empty_response(req, status=204)
