"""Destroy: the compute removed a server's guest; the server goes from
its cell (soft delete), its resources from placement and its membership
from server groups, and its mapping is marked queued_for_delete, after
the delete action of the request is finished.

Placement and the mapping are cleaned up even when the instance was
already gone (InstanceNotFound is raised afterwards). A cell conductor
(no API database) frees the resources over placement's REST API and
leaves the mapping and the group membership to the super conductor's
pass (stuck_states._reap_destroyed), as Nova leaves them to its API."""
from stratus.conductor import placement_report
from stratus import exception
from stratus.objects import instance_action as instance_action_obj
from stratus.objects import instance_group as instance_group_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.objects import migration as migration_obj


def instance_destroy(ctx, cctx, instance):
    # Resources go first: whoever sees the server gone (a 404) sees its
    # resources and its moves' resources freed.
    placement_report.of(ctx).remove_consumer(ctx, instance.uuid)
    migration_obj.end_moves_of_deleted(cctx, instance.uuid)
    try:
        instance.destroy()
        already_gone = None
    except exception.InstanceNotFound as exc:
        already_gone = exc
    api_level = placement_report.has_api(ctx)
    if api_level:
        instance_group_obj.remove_member(ctx, instance.uuid)
    # The action finishes before the mapping is marked: whoever sees the
    # mark (the last step) sees a finished delete.
    try:
        instance_action_obj.InstanceAction.action_finish(cctx, instance.uuid)
    except exception.InstanceActionNotFound:
        pass
    if api_level:
        _queue_mapping(ctx, instance.uuid)
    if already_gone is not None:
        raise already_gone


def _queue_mapping(ctx, instance_uuid):
    try:
        mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, instance_uuid)
        mapping.queued_for_delete = True
        mapping.save()
    except exception.InstanceMappingNotFound:
        pass
