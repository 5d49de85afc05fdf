"""Rebuild: the guest spawned again from an image, on the same host (an
evacuation, which rebuilds on another host, is in evacuate.py).
"""
from stratus.compute.tasks import block_devices
from stratus.compute.tasks.common import TaskState, VMState
from stratus.objects import base as objects_base
from stratus.objects import image_meta as image_meta_obj


class RebuildMixin:
    """The compute manager's rebuild."""

    def rebuild_instance(self, ctx, instance, image_ref, new_pass,
                         preserve_ephemeral=None, reimage_boot_volume=False):
        """preserve_ephemeral: sent by clients before 1.7, never read;
        reimage_boot_volume (1.12, the API's 2.93): a volume-backed
        server's root volume is reimaged even with the image it has."""
        was_stopped = instance.vm_state == VMState.STOPPED

        def rebuild():
            network_info = self._network_info(instance)
            image_meta = image_meta_obj.ImageMeta.from_image_dict(
                self._images().get(ctx, image_ref))
            self._step(ctx, instance, TaskState.REBUILD_BLOCK_DEVICE_MAPPING)
            # The guest is made again with the volumes it has (a
            # volume-backed server's root reimaged with another image).
            bdms, volumes = self._volume_info(ctx, instance)
            self.driver.destroy(ctx, instance, network_info,
                                block_device_info=volumes)
            root = self._reimage_root(ctx, instance, bdms, image_ref,
                                      always=reimage_boot_volume)
            if root is not None:
                self._prepare_volumes(ctx, instance, [root])
                volumes = block_devices.block_device_info(bdms)
            self._step(ctx, instance, TaskState.REBUILD_SPAWNING)
            self.driver.spawn(ctx, instance, image_meta, [], new_pass,
                              network_info, block_device_info=volumes)
            if root is not None:
                self._complete_volumes(ctx, [root])
            instance.launched_at = objects_base.utcnow()
            if was_stopped:
                self.driver.power_off(instance)
        self._perform(ctx, instance, "rebuild", None, rebuild,
                      end_vm_state=VMState.STOPPED if was_stopped
                      else VMState.ACTIVE)
