"""AggregateImagePropertiesIsolation: a host whose aggregates set a
metadata key that is also a property of the image passes only when the
image's value is one of the aggregate's (comma-separated) values.

``[filter_scheduler] aggregate_image_properties_isolation_namespace``
restricts the keys compared to ``<namespace><separator>...``
(``aggregate_image_properties_isolation_separator``, ``.`` by default).
Images without the property pass.
"""
from stratus.scheduler.filters import utils


class AggregateImagePropertiesIsolation:

    def __init__(self, conf):
        options = conf.filter_scheduler
        namespace = options.aggregate_image_properties_isolation_namespace
        self.prefix = (namespace
                       + options.aggregate_image_properties_isolation_separator
                       if namespace else "")

    def host_passes(self, host_state, spec, resources):
        if not host_state.aggregate_metadata:
            return True
        image = spec.get("image")
        properties = (image.get("properties") or {}) if image else {}
        for key, allowed in utils.aggregate_metadata(host_state).items():
            if not key.startswith(self.prefix):
                continue
            value = properties.get(key)
            if value and str(value) not in allowed:
                return False
        return True
