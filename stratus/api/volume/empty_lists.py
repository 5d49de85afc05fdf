"""Lists of what the built-in block storage service does not make, so
always empty: volume transfers (/v3/os-volume-transfer, and
/v3/volume-transfers from 3.55), generic volume groups (/v3/groups from
3.13) and their snapshots (/v3/group_snapshots from 3.14) and QoS specs (/v3/qos-specs). Making one is 404 or 405, as for any
path or method not served. The lists are served because clients read
them beside volumes: cinderclient's transfers.list() is part of Horizon's
every volume list, its Create Volume form lists the groups and its
Volume Types panel the QoS specs, Admin > Group Snapshots the group
snapshots; each fails on a 404."""
from stratus.api import wsgi


def list_transfers(req):
    req.authorize("volume:get_all_transfers")
    return wsgi.json_response(req, {"transfers": []})


def list_qos_specs(req):
    req.authorize("volume_extension:qos_specs_manage:get_all")
    return wsgi.json_response(req, {"qos_specs": []})


def list_groups(req):
    req.authorize("group:get_all")
    return wsgi.json_response(req, {"groups": []})


def list_group_snapshots(req):
    req.authorize("group:get_all_group_snapshots")
    return wsgi.json_response(req, {"group_snapshots": []})
