"""Rebuild: the server's guest made again from an image, on its host."""
from stratus.compute import rpcapi as compute_rpcapi
from stratus.compute import states
from stratus.compute_api import base
from stratus.compute_api import fail_fast
from stratus.compute_api import volume_backed
from stratus import exception
from stratus.objects import image_meta as image_meta_obj
from stratus.objects import keypair as keypair_obj


class Rebuild(base.APIBase):
    """Rebuild a server."""

    def _check_volume_backed_rebuild(self, ctx, instance, image_id,
                                     reimage_boot_volume):
        """A volume-backed server is rebuilt only with the image it has
        (its image_ref, or its root volume's image) before 2.93; from
        2.93 (reimage_boot_volume) with another one too: its host
        reimages the root volume, even with the image it has (Nova's
        reimage_boot_volume). (volume-backed, the server keeps showing
        no image)."""
        if instance.get("cell_uuid") is None:
            return False, False
        bdms = volume_backed.instance_bdms(ctx, instance)
        if not volume_backed.is_volume_backed(bdms):
            return False, False
        current = instance.get("image_ref")
        if not current:
            root = next(bdm for bdm in bdms if bdm.boot_index == 0)
            volume = self.volume_api.get(ctx, root.volume_id)
            current = (volume.get("volume_image_metadata") or {}).get(
                "image_id")
        if image_id != current and not reimage_boot_volume:
            # Nova's ImageUnacceptable.
            raise exception.Invalid(
                "Image %s is unacceptable: Unable to rebuild with a "
                "different image for a volume-backed server." % image_id)
        if reimage_boot_volume:
            # Before its task_state changes: a compute too old to
            # reimage refuses it (409).
            self.compute_rpcapi.check_can_send_actions(
                compute_rpcapi.REIMAGE_VERSION)
        # True: the server still shows no image (it boots its volume).
        return True, not instance.get("image_ref")

    @fail_fast.undone_if_unsent
    def rebuild(self, ctx, instance, image_id, admin_password=None,
                preserve_ephemeral=False, reimage_boot_volume=False,
                **changes):
        """Rebuild from image_id; changes: display_name, metadata,
        key_name, user_data, hostname, display_description, access_ip_v4,
        access_ip_v6, auto_disk_config (present ones only). The password
        the guest gets, and the updated instance."""
        base.check_lock(ctx, instance)
        states.check(instance, "rebuild")
        is_volume_backed, keep_no_image = self._check_volume_backed_rebuild(
            ctx, instance, image_id, reimage_boot_volume)
        image = self._image(ctx, image_id, instance.flavor,
                            allow_zero_disk=True)
        if "metadata" in changes:
            self.quotas.check_metadata_items(ctx, instance.project_id,
                                             len(changes["metadata"]))
        if "key_name" in changes:
            keypair = self._keypair(ctx, changes["key_name"])
            changes["key_data"] = keypair.public_key if keypair else None
            changes["keypairs"] = keypair_obj.KeyPairList(
                objects=[keypair] if keypair else [])
        image_meta = image_meta_obj.ImageMeta.from_image_dict(image)
        changes.update(
            image_ref="" if keep_no_image else image_id,
            image_properties=base.image_properties(image, image_meta,
                                               instance.flavor))
        password = admin_password or base.generate_password()
        self._begin(ctx, instance, "rebuild", **changes)
        self.compute_rpcapi.rebuild_instance(
            ctx, instance, image_id, password, preserve_ephemeral,
            reimage_boot_volume=is_volume_backed and reimage_boot_volume)
        return password, instance
