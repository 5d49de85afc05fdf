"""A server's own fields, metadata and tags: changed in place, with no
task on its host.
"""
from stratus.compute_api import base
from stratus import exception
from stratus.objects import build_request as build_request_obj
from stratus.objects import fields
from stratus.objects import request_spec as request_spec_obj
from stratus.objects import tag as tag_obj

# vm_states in which a server's metadata and tags may change.
_CHANGEABLE_VM_STATES = (fields.VMState.ACTIVE, fields.VMState.PAUSED,
                         fields.VMState.SUSPENDED, fields.VMState.STOPPED)


class Metadata(base.APIBase):
    """Update a server, its metadata and its tags."""

    def update(self, ctx, instance, updates):
        """Apply {field: value} to the server, wherever it is now; the
        updated server."""
        if instance.get("cell_uuid") is None:
            try:
                build_request = (build_request_obj.BuildRequest.
                                 get_by_instance_uuid(ctx, instance.uuid))
                build_request.instance.update(updates)
                build_request.save()
                return build_request.instance
            except exception.BuildRequestNotFound:
                # Placed in a cell meanwhile (or deleted: 404).
                instance = self.get(ctx, instance.uuid)
        instance.update(updates)
        instance.save()
        return instance

    def pin_availability_zone(self, ctx, instance, zone):
        """2.104: zone None unpins the server (its moves may go to any
        zone); otherwise zone must be the zone the server is in, which
        pins it there again (400 for any other)."""
        if zone is not None and zone != instance.get("availability_zone"):
            raise exception.Invalid(
                "The server can only be pinned to the availability zone "
                "it is in (%s), not to %s."
                % (instance.get("availability_zone"), zone))
        spec = request_spec_obj.RequestSpec.get_by_instance_uuid(
            ctx, instance.uuid)
        spec.availability_zone = zone
        spec.save()

    def update_metadata(self, ctx, instance, metadata, replace=False):
        """Merge (or with replace, set) the server's metadata; the result."""
        self._check_changeable(ctx, instance, "update metadata")
        new = dict(metadata) if replace else dict(instance.metadata,
                                                  **metadata)
        self.quotas.check_metadata_items(ctx, instance.project_id, len(new))
        instance.metadata = new
        instance.save()
        return new

    def delete_metadata_item(self, ctx, instance, key):
        self._check_changeable(ctx, instance, "delete metadata")
        metadata = dict(instance.metadata)
        metadata.pop(key, None)
        instance.metadata = metadata
        instance.save()

    @classmethod
    def _check_changeable(cls, ctx, instance, action):
        """Nova's rules for metadata changes: not locked (for non-admins),
        a settled vm_state and no task under way."""
        base.check_lock(ctx, instance)
        cls._check_taggable(instance, action)
        if instance.task_state is not None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr="task_state", state=instance.task_state)

    @staticmethod
    def _check_taggable(instance, action):
        if instance.vm_state not in _CHANGEABLE_VM_STATES:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid, attr="vm_state",
                state=instance.vm_state)

    def set_tags(self, ctx, instance, tags):
        self._check_taggable(instance, "update tags")
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return [tag.tag for tag in
                    tag_obj.TagList.create(cctx, instance.uuid, tags)]

    def add_tag(self, ctx, instance, tag):
        """Add a tag; whether it was new."""
        self._check_taggable(instance, "update tag")
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return tag_obj.Tag(cctx, resource_id=instance.uuid,
                               tag=tag).create()

    def delete_tag(self, ctx, instance, tag):
        self._check_taggable(instance, "delete tag")
        with ctx.target_cell(instance.cell_uuid) as cctx:
            tag_obj.Tag.destroy(cctx, instance.uuid, tag)

    def delete_tags(self, ctx, instance):
        self._check_taggable(instance, "delete tags")
        with ctx.target_cell(instance.cell_uuid) as cctx:
            tag_obj.TagList.destroy(cctx, instance.uuid)
