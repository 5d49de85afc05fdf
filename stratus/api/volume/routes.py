"""The built-in block storage service (Cinder v3 API) on one screen:
URL -> {METHOD: handler}. URLs are served with and without the project
id after /v3 (VolumeApp.handle takes it out). HEAD is served by GET."""
ROUTES = {
    "/": {"GET": "versions:list_versions"},
    "/v3": {"GET": "versions:show_version"},
    "/v3/volumes": {"GET": "volumes:list_volumes",
                    "POST": "volumes:create_volume"},
    "/v3/volumes/detail": {"GET": "volumes:list_volumes_detail"},
    "/v3/volumes/summary": {"GET": "volumes:volumes_summary"},
    "/v3/volumes/{volume_id}": {"GET": "volumes:show_volume",
                                "PUT": "volumes:update_volume",
                                "DELETE": "volumes:delete_volume"},
    "/v3/volumes/{volume_id}/action": {
        "POST": "volume_actions:volume_action"},
    "/v3/volumes/{volume_id}/metadata": {
        "GET": "metadata:list_volume_metadata",
        "POST": "metadata:create_volume_metadata",
        "PUT": "metadata:replace_volume_metadata"},
    "/v3/volumes/{volume_id}/metadata/{key}": {
        "GET": "metadata:show_volume_metadata",
        "PUT": "metadata:update_volume_metadata",
        "DELETE": "metadata:delete_volume_metadata"},
    "/v3/types": {"GET": "types:list_types", "POST": "types:create_type"},
    "/v3/types/default": {"GET": "types:show_default_type"},
    "/v3/types/{type_id}": {"GET": "types:show_type",
                            "PUT": "types:update_type",
                            "DELETE": "types:delete_type"},
    "/v3/types/{type_id}/encryption": {
        "GET": "types:show_type_encryption"},
    "/v3/types/{type_id}/extra_specs": {
        "GET": "types:list_extra_specs",
        "POST": "types:create_extra_specs"},
    "/v3/types/{type_id}/extra_specs/{key}": {
        "GET": "types:show_extra_spec",
        "PUT": "types:update_extra_spec",
        "DELETE": "types:delete_extra_spec"},
    "/v3/snapshots": {"GET": "snapshots:list_snapshots",
                      "POST": "snapshots:create_snapshot"},
    "/v3/snapshots/detail": {"GET": "snapshots:list_snapshots_detail"},
    "/v3/snapshots/{snapshot_id}": {"GET": "snapshots:show_snapshot",
                                    "PUT": "snapshots:update_snapshot",
                                    "DELETE": "snapshots:delete_snapshot"},
    "/v3/snapshots/{snapshot_id}/action": {
        "POST": "snapshots:snapshot_action"},
    "/v3/snapshots/{snapshot_id}/metadata": {
        "GET": "metadata:list_snapshot_metadata",
        "POST": "metadata:create_snapshot_metadata",
        "PUT": "metadata:replace_snapshot_metadata"},
    "/v3/snapshots/{snapshot_id}/metadata/{key}": {
        "GET": "metadata:show_snapshot_metadata",
        "PUT": "metadata:update_snapshot_metadata",
        "DELETE": "metadata:delete_snapshot_metadata"},
    "/v3/attachments": {"GET": "attachments:list_attachments",
                        "POST": "attachments:create_attachment"},
    "/v3/attachments/detail": {
        "GET": "attachments:list_attachments_detail"},
    "/v3/attachments/{attachment_id}": {
        "GET": "attachments:show_attachment",
        "PUT": "attachments:update_attachment",
        "DELETE": "attachments:delete_attachment"},
    "/v3/attachments/{attachment_id}/action": {
        "POST": "attachments:attachment_action"},
    "/v3/os-quota-sets/{project_id}": {
        "GET": "quotas:show_quota_set", "PUT": "quotas:update_quota_set",
        "DELETE": "quotas:delete_quota_set"},
    "/v3/os-quota-sets/{project_id}/defaults": {
        "GET": "quotas:show_default_quota_set"},
    "/v3/limits": {"GET": "quotas:show_limits"},
    "/v3/os-availability-zone": {"GET": "zones:list_availability_zones"},
    "/v3/os-volume-transfer": {"GET": "empty_lists:list_transfers"},
    "/v3/os-volume-transfer/detail": {"GET": "empty_lists:list_transfers"},
    "/v3/volume-transfers": {"GET": "empty_lists:list_transfers"},
    "/v3/volume-transfers/detail": {"GET": "empty_lists:list_transfers"},
    "/v3/groups": {"GET": "empty_lists:list_groups"},
    "/v3/qos-specs": {"GET": "empty_lists:list_qos_specs"},
    "/v3/os-services": {"GET": "services:list_services"},
    "/v3/groups/detail": {"GET": "empty_lists:list_groups"},
    "/v3/group_snapshots": {"GET": "empty_lists:list_group_snapshots"},
    "/v3/group_snapshots/detail": {
        "GET": "empty_lists:list_group_snapshots"},
    "/v3/extensions": {"GET": "zones:list_extensions"},
}

# Routes served without authentication.
PUBLIC = {"/", "/v3"}

# The names after /v3/ that are not a project id.
TOP_LEVEL = {template.split("/")[2] for template in ROUTES
             if template.count("/") >= 2}
