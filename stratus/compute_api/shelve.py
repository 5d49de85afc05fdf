"""Shelve, offload and unshelve (the conductor's side of an unshelve of
an offloaded server: stratus/conductor/tasks/unshelve.py).
"""
from stratus.compute import states
from stratus.compute_api import base
from stratus.compute_api import fail_fast
from stratus.compute_api import volume_backed
from stratus import exception
from stratus.objects import aggregate as aggregate_obj
from stratus.objects import fields
from stratus.objects import request_spec as request_spec_obj

# An argument not given (unshelve's availability_zone may be given as null).
UNSET = object()


class Shelve(base.APIBase):
    """Shelve a server, offload it from its host, bring it back."""

    @fail_fast.undone_if_unsent
    def shelve(self, ctx, instance):
        """Snapshot the server into '<name>-shelved', power it off and
        keep it SHELVED on its host (offloaded at once, or later by its
        compute, after [DEFAULT] shelved_offload_time). A volume-backed
        server makes no image (Nova's shelve): its compute powers it off
        and offloads it at once, its volumes kept reserved for it."""
        sysmeta = dict(instance.system_metadata,
                       image_base_image_ref=instance.image_ref)
        if instance.get("cell_uuid") is not None and \
                volume_backed.is_volume_backed(
                    volume_backed.instance_bdms(ctx, instance)):
            self._begin(ctx, instance, "shelve", system_metadata=sysmeta)
            self.compute_rpcapi.shelve_instance(ctx, instance, None)
            return
        image = self._begin_with_image(
            ctx, instance, "shelve", "%s-shelved" % instance.display_name,
            {"image_type": "snapshot"}, system_metadata=sysmeta)
        self.compute_rpcapi.shelve_instance(ctx, instance, image["id"])

    @fail_fast.undone_if_unsent
    def shelve_offload(self, ctx, instance):
        """Remove a SHELVED server from its host and free its resources."""
        self._begin(ctx, instance, "shelveOffload")
        self.compute_rpcapi.shelve_offload_instance(ctx, instance)

    @fail_fast.undone_if_unsent
    def unshelve(self, ctx, instance, new_az=UNSET, host=None):
        """Nova's unshelve: a SHELVED server powers on; a SHELVED_OFFLOADED
        one is scheduled again by the conductor. new_az (2.77; None from
        2.91 unpins the server) and host (2.91) only for an offloaded
        server; host must exist and lie in the zone the server ends up
        pinned to."""
        base.check_lock(ctx, instance)
        states.check(instance, "unshelve")
        az_given = new_az is not UNSET
        offloaded = instance.vm_state == fields.VMState.SHELVED_OFFLOADED
        if (az_given or host) and not offloaded:
            raise exception.UnshelveInstanceInvalidState(
                instance_uuid=instance.uuid, state=instance.vm_state)
        if az_given and new_az and new_az not in self.available_zones(ctx):
            raise exception.Invalid(
                "The requested availability zone is not available")
        spec = request_spec_obj.RequestSpec.get_by_instance_uuid(
            ctx, instance.uuid)
        zone = new_az if az_given else spec.availability_zone
        if host:
            self._check_destination(ctx, host, None)
            host_zone = aggregate_obj.AggregateList.get_all(
                ctx.elevated()).availability_zones_by_host().get(
                host, self.conf.default_availability_zone)
            if zone and zone != host_zone:
                raise exception.UnshelveHostNotInAZ(host=host,
                                                    availability_zone=zone)
        if not instance.obj_attr_is_set("system_metadata"):
            # The conductor and the compute read and clear the shelve
            # records: they travel with the server.
            instance.obj_load_attr("system_metadata")
        changes = {"availability_zone": new_az} if az_given else {}
        self._begin(ctx, instance, "unshelve", **changes)
        if az_given:
            spec.availability_zone = new_az
            spec.save()
        # Where the server was created to go does not bind it now (Nova
        # resets forced destinations): only a host given here does.
        spec.requested_host = host
        spec.requested_hypervisor_hostname = None
        self.conductor_api.unshelve_instance(ctx, instance, spec)
