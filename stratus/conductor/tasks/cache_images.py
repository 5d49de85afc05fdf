"""Image pre-caching (2.81): each compute host of an aggregate is asked
(a cast) to fetch the images into its image cache. Hosts whose compute
runs an RPC version without cache_images, and hosts without a compute
service, are skipped (logged); the API has checked that the images
exist."""
import logging

from stratus.compute import rpcapi as compute_rpcapi

LOG = logging.getLogger(__name__)


class CacheImagesTask:

    def __init__(self, messaging):
        self.compute_rpcapi = compute_rpcapi.ComputeAPI(messaging)

    def cache_images(self, ctx, aggregate, image_ids):
        if not self.compute_rpcapi.can_cache_images():
            LOG.warning("Not caching images %s on aggregate %s: the "
                        "computes' RPC version is capped below 1.5",
                        ", ".join(image_ids), aggregate.id)
            return
        for host in sorted(aggregate.hosts):
            self.compute_rpcapi.cache_images(ctx, host, image_ids)
        LOG.info("Asked %d host(s) of aggregate %s to cache %s",
                 len(aggregate.hosts), aggregate.id, ", ".join(image_ids))
