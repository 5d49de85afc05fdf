"""Image pre-caching (an aggregate's, 2.81): images fetched into the
driver's image cache.
"""
from stratus.compute.tasks.common import LOG
from stratus.virt import driver as virt_driver


class CacheImagesMixin:
    """The compute manager's image pre-caching."""

    def cache_images(self, ctx, image_ids):
        """Fetch images into the driver's image cache (an aggregate's
        pre-caching): each is cached, already there, or failed (logged)."""
        if not virt_driver.supports(self.driver, virt_driver.ImageCache):
            LOG.info("The %s driver has no image cache; not caching %s",
                     self.driver.name, ", ".join(image_ids))
            return
        outcome = {"cached": 0, "existing": 0, "error": 0}
        for image_id in image_ids:
            try:
                fetched = self.driver.cache_image(ctx, image_id)
            except Exception:  # noqa: BLE001 - the other images go on
                LOG.exception("Caching image %s failed", image_id)
                outcome["error"] += 1
                continue
            outcome["cached" if fetched else "existing"] += 1
        LOG.info("Image pre-caching on %s: %s", self.host, outcome)
