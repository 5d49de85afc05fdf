"""Shelve (power off, snapshot, SHELVED), offload (the guest and its
resources go; periodically after [DEFAULT] shelved_offload_time) and
unshelve (power on, or spawn from the snapshot on the host the conductor
claimed); what a restart cut short of them is finished or undone.
"""
import datetime
import json

from stratus.compute.tasks.block_devices import boot_image_meta
from stratus.compute.tasks.common import (
    ERROR, LOG, PowerState, SUCCESS, TaskState, VMState)
from stratus import exception
from stratus.objects import base as objects_base
from stratus.objects import instance_fault as instance_fault_obj
from stratus.virt import driver as virt_driver


class ShelveMixin:
    """The compute manager's shelve, offload and unshelve."""

    def shelve_instance(self, ctx, instance, image_id):
        """Power off, snapshot into image_id, SHELVED; offloaded at once
        when [DEFAULT] shelved_offload_time is 0. A failure deletes the
        snapshot and leaves the guest as it was. image_id None: a
        volume-backed server, no snapshot, offloaded at once (Nova)."""
        offload = self.conf.shelved_offload_time == 0 or image_id is None
        started_in = instance.vm_state

        def shelve():
            self.driver.power_off(instance)
            shelved = dict(shelved_host=self.host,
                           shelved_at=objects_base.utcnow().isoformat())
            if image_id is not None:
                self._step(ctx, instance,
                           TaskState.SHELVING_IMAGE_PENDING_UPLOAD)
                data = self.driver.snapshot(ctx, instance)
                self._step(ctx, instance, TaskState.SHELVING_IMAGE_UPLOADING)
                self._images().upload(ctx, image_id, data)
                shelved["shelved_image_id"] = image_id
            instance.system_metadata = dict(instance.system_metadata,
                                            **shelved)
            if offload:
                # Shelved from here on: an offload that fails leaves it
                # SHELVED with its snapshot.
                instance.vm_state = VMState.SHELVED
                self._step(ctx, instance, TaskState.SHELVING_OFFLOADING)
                self._offload(ctx, instance)

        def undo():
            if instance.vm_state != VMState.SHELVED:
                if image_id is not None:
                    self._delete_image_quietly(ctx, image_id)
                self._restore_power_quietly(ctx, instance, started_in)
        self._perform(ctx, instance, "shelve", virt_driver.Snapshot, shelve,
                      end_vm_state=(VMState.SHELVED_OFFLOADED if offload
                                    else VMState.SHELVED),
                      cleanup=undo, release=(SUCCESS,) if offload else ())

    def shelve_offload_instance(self, ctx, instance):
        """Remove a SHELVED server's guest; its resources on this host
        go from placement with the save (SHELVED_OFFLOADED, no host)."""
        self._perform(ctx, instance, "shelveOffload", None,
                      lambda: self._offload(ctx, instance),
                      release=(SUCCESS,))

    def _offload(self, ctx, instance):
        if virt_driver.supports(self.driver, virt_driver.PowerControl):
            try:
                self.driver.power_off(instance)
            except exception.InstanceNotFound:
                pass
        bdms, volumes = self._volume_info(ctx, instance)
        self.driver.destroy(ctx, instance, self._network_info(instance),
                            block_device_info=volumes)
        if volumes:
            # Attachments without connector while no host has it.
            self._reserve_volumes_again(ctx, instance, bdms)
        self._unbind_network_quietly(ctx, instance)
        self.tracker.remove_usage(instance)
        instance.host = instance.node = instance.compute_id = None

    def unshelve_instance(self, ctx, instance, image_meta, request_spec):
        """Power a SHELVED server's guest on, or spawn a SHELVED_OFFLOADED
        one here (the scheduler claimed this host) from its snapshot, or
        (image_meta None) a volume-backed one from its root volume. A
        failed spawn leaves it offloaded with a fault, its claim freed."""
        if instance.vm_state == VMState.SHELVED:
            def power_on():
                self.driver.power_on(ctx, instance,
                                     self._network_info(instance))
                self._forget_shelved(ctx, instance)
            self._perform(ctx, instance, "unshelve",
                          virt_driver.PowerControl, power_on)
            return

        def spawn():
            self._step(ctx, instance, TaskState.SPAWNING)
            self.tracker.update_usage(instance)
            network_info = self._allocate_network(ctx, instance, request_spec)
            bdms, volumes = self._connect_volumes(ctx, instance)
            self.driver.spawn(ctx, instance, image_meta or boot_image_meta(
                self._images(), ctx, instance), [], None,
                              network_info, block_device_info=volumes)
            self._complete_volumes(ctx, bdms)
            instance.info_cache = json.dumps(network_info)
            instance.launched_at = objects_base.utcnow()
            self._forget_shelved(ctx, instance)

        def undo():
            self._destroy_guest_quietly(ctx, instance)
            self.tracker.remove_usage(instance)
            instance.host = instance.node = instance.compute_id = None
        self._perform(ctx, instance, "unshelve", None, spawn, cleanup=undo,
                      release=(ERROR,))

    def _forget_shelved(self, ctx, instance):
        """An unshelved server's snapshot and shelve records go."""
        metadata = dict(instance.system_metadata)
        image_id = metadata.pop("shelved_image_id", None)
        for key in ("shelved_at", "shelved_host"):
            metadata.pop(key, None)
        instance.system_metadata = metadata
        if image_id:
            self._delete_image_quietly(ctx, image_id)

    def _restore_power_quietly(self, ctx, instance, vm_state):
        """Bring a guest a failed action powered off back to vm_state."""
        try:
            if self._power_state(instance) != PowerState.SHUTDOWN \
                    or vm_state == VMState.STOPPED:
                return
            self.driver.power_on(ctx, instance, self._network_info(instance))
            if vm_state == VMState.PAUSED:
                self.driver.pause(instance)
            elif vm_state == VMState.SUSPENDED:
                self.driver.suspend(ctx, instance)
        except Exception:  # noqa: BLE001 - cleanup after a failure
            LOG.exception("Could not bring instance %s back to %s",
                          instance.uuid, vm_state)

    def offload_shelved_instances(self, ctx):
        """Offload the servers shelved longer than [DEFAULT]
        shelved_offload_time ago (Nova's _poll_shelved_instances)."""
        wait = self.conf.shelved_offload_time
        if wait <= 0:
            return
        now = objects_base.utcnow()
        for instance in self.conductor.instances_on_host(ctx, self.host):
            if instance.vm_state != VMState.SHELVED \
                    or instance.task_state is not None \
                    or self._locks.held(instance.uuid):
                continue
            since = _shelved_at(instance)
            if since is not None and (now - since).total_seconds() < wait:
                continue
            instance.task_state = TaskState.SHELVING_OFFLOADING
            saved = self._save_quietly(ctx, instance, [None])
            if saved is None:
                continue
            LOG.info("Offloading instance %s, shelved since %s",
                     instance.uuid, since)
            self.shelve_offload_instance(ctx, saved)

    def _settle_shelved(self, ctx, instance):
        """Finish or undo what a restart cut short of a shelved server: an
        offload is finished; an unshelve that was spawning here is undone
        (the server offloaded again, its claim freed, with a fault); a
        SHELVED server being powered on ends as its guest is."""
        expected = [instance.task_state]
        release = False
        fault = None
        if instance.task_state == TaskState.SHELVING_OFFLOADING:
            try:
                self._offload(ctx, instance)
            except Exception as exc:  # noqa: BLE001 - stays shelved, fault
                LOG.exception("Could not offload instance %s", instance.uuid)
                fault = exc
            else:
                instance.vm_state = VMState.SHELVED_OFFLOADED
                release = True
        elif instance.vm_state == VMState.SHELVED_OFFLOADED:
            self._destroy_guest_quietly(ctx, instance)
            self.tracker.remove_usage(instance)
            instance.host = instance.node = instance.compute_id = None
            release = True
            fault = exception.StratusException(
                "Unshelve of instance %s interrupted by a restart of the "
                "compute service on %s" % (instance.uuid, self.host))
        elif self._power_state(instance) == PowerState.RUNNING:
            instance.vm_state = VMState.ACTIVE
        instance.task_state = None
        instance.power_state = self._power_state(instance)
        extra = {}
        if fault is not None:
            extra["fault"] = instance_fault_obj.InstanceFault.from_exception(
                instance.uuid, fault, host=self.host)
        self._save_quietly(ctx, instance, expected,
                           remove_allocations=release, **extra)


def _shelved_at(instance):
    """When the server was shelved: its shelved_at record when loaded,
    else its last change (the shelve's save)."""
    recorded = (instance.get("system_metadata") or {}).get("shelved_at")
    if recorded:
        return datetime.datetime.fromisoformat(recorded)
    return instance.updated_at
