"""ImagePropertiesWeigher: hosts whose instances were booted from images
with the same properties as the request's image weigh more (each shared
``(property, value)`` counts once per instance that has it; with
``[filter_scheduler] image_props_weight_setting`` only the properties
named there count, each times its ratio). Off by default
(``image_props_weight_multiplier`` 0.0); a positive multiplier packs
servers of like images, a negative one spreads them. The instances'
properties are read with the topology, only while the weigher is on."""
from stratus.scheduler import settings


class ImagePropertiesWeigher:
    option = "image_props_weight_multiplier"

    def __init__(self, conf):
        options = conf.filter_scheduler
        self.multiplier = options.image_props_weight_multiplier
        self.setting = dict(settings.parse_ratios(
            options.image_props_weight_setting,
            "filter_scheduler.image_props_weight_setting"))

    def for_request(self, ctx, spec):
        # Nova's rule: the option, not an aggregate, turns the weigher on.
        if not self.multiplier:
            return None
        return self

    def weight(self, host_state, spec):
        existing = host_state.instance_image_properties
        image = spec.get("image") if spec is not None else None
        if not existing or image is None:
            return 0.0
        weight = 0.0
        for key, value in (image.get("properties") or {}).items():
            count = existing.get((key, str(value)), 0)
            if count:
                weight += (self.setting.get(key, 0.0) if self.setting
                           else 1.0) * count
        return weight
