"""/images/{id}/metadata: an image's custom properties through the
compute API (up to 2.38, 404 above, as in Nova)."""
from stratus.api.compute import images
from stratus.api import errors
from stratus.api.schemas import images as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.policies import images as policies
from stratus import quota

MAX_VERSION = (2, 38)


def _current(req, image_id, action):
    images.require_version(req, MAX_VERSION)
    req.authorize(policies.METADATA_ROOT % action)
    return images.properties(images.get_image(req, image_id))


def _change(req, image_id, change):
    """Apply change(metadata) to a copy of the image's custom properties
    and make the image's properties that; the new set."""
    before = _current(req, image_id, "update")
    metadata = dict(before)
    change(metadata)
    # the image service sets what it is given; None removes a property
    changes = dict.fromkeys(set(before) - set(metadata))
    changes.update({key: value for key, value in metadata.items()
                    if before.get(key) != value})
    try:
        quota.Quotas(req.app.conf).check_metadata_items(
            req.context, req.context.project_id, len(metadata))
    except exception.OverQuota:
        raise errors.forbidden("Image metadata limit exceeded")
    try:
        req.app.image_api.update(req.context, image_id, changes)
    except exception.ImageNotFound:
        raise images.image_not_found()
    return metadata


def list_image_metadata(req, image_id):
    metadata = _current(req, image_id, "index")
    return wsgi.json_response(req, {"metadata": metadata})


@validation.schema(schemas.metadata)
def update_image_metadata(req, image_id):
    changes = req.json_document()["metadata"]
    metadata = _change(req, image_id, lambda current: current.update(changes))
    return wsgi.json_response(req, {"metadata": metadata})


def _replace_all(replacement):
    def change(current):
        current.clear()
        current.update(replacement)
    return change


@validation.schema(schemas.metadata)
def replace_image_metadata(req, image_id):
    metadata = _change(req, image_id,
                       _replace_all(req.json_document()["metadata"]))
    return wsgi.json_response(req, {"metadata": metadata})


def show_image_metadata_item(req, image_id, key):
    metadata = _current(req, image_id, "index")
    if key not in metadata:
        raise errors.not_found("The resource could not be found.")
    return wsgi.json_response(req, {"meta": {key: metadata[key]}})


@validation.schema(schemas.metadata_item)
def put_image_metadata_item(req, image_id, key):
    item = req.json_document()["meta"]
    if key not in item:
        raise errors.bad_request("Request body and URI mismatch")
    _change(req, image_id, lambda current: current.update(item))
    return wsgi.json_response(req, {"meta": item})


def delete_image_metadata_item(req, image_id, key):
    def remove(current):
        if key not in current:
            raise errors.not_found("Invalid metadata key")
        del current[key]
    _change(req, image_id, remove)
    return wsgi.empty_response(req, status=204)
