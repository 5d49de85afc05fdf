"""Destroy: the compute removed a server's guest; the server goes from
its cell (soft delete), its resources from placement, and its mapping is
marked queued_for_delete; the delete action of the request is finished."""
from stratus import exception
from stratus.objects import instance_action as instance_action_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.placement import allocations


def instance_destroy(ctx, cctx, instance):
    instance.destroy()
    allocations.remove_consumer(ctx, instance.uuid)
    try:
        mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, instance.uuid)
    except exception.InstanceMappingNotFound:
        mapping = None
    if mapping is not None:
        mapping.queued_for_delete = True
        mapping.save()
    try:
        instance_action_obj.InstanceAction.action_finish(cctx, instance.uuid)
    except exception.InstanceActionNotFound:
        pass
