"""Evacuate: the destination builds the guest of a server whose host is
down, from its image; a host that comes back removes the guests of the
servers evacuated away while it was down.
"""
import json

from stratus.compute.tasks.common import LOG
from stratus.compute.tasks.block_devices import boot_image_meta


class EvacuateMixin:
    """The compute manager's part of evacuations."""

    def evacuate_instance(self, ctx, instance, migration, admin_password,
                          power_on):
        """Build here the guest of a server whose host is down, from its
        image; [its power state, its network_info (JSON)]. A failure
        removes what was built and goes back to the conductor."""
        def rebuild():
            image_meta = boot_image_meta(self._images(), ctx, instance)
            self.tracker.update_usage(instance)
            network_info = self._network_again(ctx, instance)
            # The volumes leave the dead host for this one (Nova's
            # evacuate: new attachments, the old ones deleted).
            self._reserve_volumes_again(ctx, instance)
            bdms, volumes = self._connect_volumes(ctx, instance)
            self.driver.spawn(ctx, instance, image_meta, [], admin_password,
                              network_info, block_device_info=volumes)
            self._complete_volumes(ctx, bdms)
            if not power_on:
                self.driver.power_off(instance)
            return [self._power_state(instance), json.dumps(network_info)]
        try:
            return self._move_step(ctx, instance, migration,
                                   "compute_rebuild_instance", rebuild,
                                   capability=None)
        except Exception:
            self._destroy_guest_quietly(ctx, instance)
            self.tracker.remove_usage(instance)
            raise

    def _clean_evacuated(self, ctx):
        """Nova's _destroy_evacuated_instances: the guests of servers
        evacuated away while this host was down go, and with them what
        their migrations hold in placement on this host."""
        try:
            evacuations = self.conductor.evacuations_done(ctx, self.host)
        except Exception:  # noqa: BLE001 - an old conductor; retried on restart
            LOG.exception("Could not list the evacuations from %s",
                          self.host)
            return
        guests = set(self.driver.list_instance_uuids())
        for migration in evacuations:
            if migration.instance_uuid in guests:
                LOG.info("Removing the guest of %s, evacuated to %s",
                         migration.instance_uuid, migration.dest_compute)
                self._destroy_orphan(ctx, migration.instance_uuid)
            self.conductor.evacuation_cleaned(ctx, migration)
