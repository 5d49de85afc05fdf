"""Rescue (the guest boots a rescue image, its disk attached) and
unrescue."""
from stratus.virt import driver as virt_driver


class RescueMixin:
    """The compute manager's rescue and unrescue."""

    def rescue_instance(self, ctx, instance, rescue_password,
                        rescue_image_ref):
        image_meta = {"id": rescue_image_ref or instance.image_ref}
        self._perform(ctx, instance, "rescue", virt_driver.Rescuable,
                      lambda: self.driver.rescue(
                          ctx, instance, self._network_info(instance),
                          image_meta, rescue_password))

    def unrescue_instance(self, ctx, instance):
        self._perform(ctx, instance, "unrescue", virt_driver.Rescuable,
                      lambda: self.driver.unrescue(ctx, instance))
