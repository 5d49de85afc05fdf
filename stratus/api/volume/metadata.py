"""/v3/volumes/{id}/metadata and /v3/snapshots/{id}/metadata: list,
create (merge), replace, show, update and delete one key."""
from stratus.api import wsgi
from stratus.api.volume import validation
from stratus.volume import exception as vol_exception


class _Kind:
    def __init__(self, store, column, rules, not_found):
        self.store = store
        self.column = column
        self.get_rule, self.update_rule, self.delete_rule = rules
        self.not_found = not_found

    def get(self, req, item_id, rule):
        item = getattr(req.app, self.store).get(req.context, item_id)
        req.authorize(rule, {"project_id": item["project_id"]})
        return item

    def save(self, req, item_id, metadata):
        getattr(req.app, self.store).update(req.context, item_id,
                                            {self.column: metadata})
        return metadata


VOLUME = _Kind("volumes", "volume_metadata",
               ("volume:get_volume_metadata",
                "volume:update_volume_metadata",
                "volume:delete_volume_metadata"),
               lambda item_id, key: vol_exception.VolumeMetadataNotFound(
                   volume_id=item_id, metadata_key=key))
SNAPSHOT = _Kind("snapshots", "snapshot_metadata",
                 ("volume:get_snapshot_metadata",
                  "volume:update_snapshot_metadata",
                  "volume:delete_snapshot_metadata"),
                 lambda item_id, key: vol_exception.SnapshotMetadataNotFound(
                     snapshot_id=item_id, metadata_key=key))


def _list(req, kind, item_id):
    item = kind.get(req, item_id, kind.get_rule)
    return wsgi.json_response(req, {"metadata": dict(item[kind.column])})


def _create(req, kind, item_id):
    metadata = validation.metadata(validation.body_of(req, "metadata"))
    item = kind.get(req, item_id, kind.update_rule)
    merged = dict(item[kind.column], **metadata)
    validation.metadata(merged)
    return wsgi.json_response(req, {"metadata": kind.save(req, item_id,
                                                          merged)})


def _replace(req, kind, item_id):
    metadata = validation.metadata(validation.body_of(req, "metadata"))
    kind.get(req, item_id, kind.update_rule)
    return wsgi.json_response(req, {"metadata": kind.save(req, item_id,
                                                          metadata)})


def _show(req, kind, item_id, key):
    item = kind.get(req, item_id, kind.get_rule)
    if key not in item[kind.column]:
        raise kind.not_found(item_id, key)
    return wsgi.json_response(req, {"meta": {key: item[kind.column][key]}})


def _update(req, kind, item_id, key):
    meta = validation.metadata(validation.body_of(req, "meta"), "meta")
    if len(meta) != 1 or key not in meta:
        raise validation.bad("Request body and URI mismatch")
    item = kind.get(req, item_id, kind.update_rule)
    kind.save(req, item_id, dict(item[kind.column], **meta))
    return wsgi.json_response(req, {"meta": meta})


def _delete(req, kind, item_id, key):
    item = kind.get(req, item_id, kind.delete_rule)
    metadata = dict(item[kind.column])
    if key not in metadata:
        raise kind.not_found(item_id, key)
    del metadata[key]
    kind.save(req, item_id, metadata)
    return wsgi.empty_response(req, status=200)


def list_volume_metadata(req, volume_id):
    return _list(req, VOLUME, volume_id)


def create_volume_metadata(req, volume_id):
    return _create(req, VOLUME, volume_id)


def replace_volume_metadata(req, volume_id):
    return _replace(req, VOLUME, volume_id)


def show_volume_metadata(req, volume_id, key):
    return _show(req, VOLUME, volume_id, key)


def update_volume_metadata(req, volume_id, key):
    return _update(req, VOLUME, volume_id, key)


def delete_volume_metadata(req, volume_id, key):
    return _delete(req, VOLUME, volume_id, key)


def list_snapshot_metadata(req, snapshot_id):
    return _list(req, SNAPSHOT, snapshot_id)


def create_snapshot_metadata(req, snapshot_id):
    return _create(req, SNAPSHOT, snapshot_id)


def replace_snapshot_metadata(req, snapshot_id):
    return _replace(req, SNAPSHOT, snapshot_id)


def show_snapshot_metadata(req, snapshot_id, key):
    return _show(req, SNAPSHOT, snapshot_id, key)


def update_snapshot_metadata(req, snapshot_id, key):
    return _update(req, SNAPSHOT, snapshot_id, key)


def delete_snapshot_metadata(req, snapshot_id, key):
    return _delete(req, SNAPSHOT, snapshot_id, key)
