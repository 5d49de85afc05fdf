"""Request pre-filters (PreFilter): what a request asks of placement.

Nova's scheduler turns the request into a placement query before any
host filter runs (``nova.scheduler.request_filter``); Stratus does the
same, one module per pre-filter, each with its Nova option:

- ``traits``: the traits the flavor (``trait:NAME=required|forbidden``)
  and image (``trait:NAME=required``) name (always);
- ``compute_status``: ``COMPUTE_STATUS_DISABLED`` forbidden (always);
- ``availability_zone``: the zone's aggregates as ``member_of``
  (``[scheduler] query_placement_for_availability_zone``);
- ``tenant_aggregates``: the project's aggregates (``filter_tenant_id*``
  metadata) as ``member_of`` (``[scheduler]
  limit_tenants_to_placement_aggregate``, ``placement_aggregate_required_for_tenants``);
- ``image_type``: ``COMPUTE_IMAGE_TYPE_<disk_format>`` required
  (``[scheduler] query_placement_for_image_type_support``);
- ``isolated_aggregates``: aggregates with ``trait:NAME=required``
  metadata the request does not require are forbidden (``[scheduler]
  enable_isolated_aggregate_filtering``);
- ``image_traits``: image properties (``hw_architecture``,
  ``hw_disk_bus``, ...) as required traits (``[scheduler]
  image_metadata_prefilter``).

Each module has ``apply(ctx, conf, spec, query)``: it adds to ``query``
(a PlacementRequest) or raises NoValidHost. They run in PREFILTERS order
(the isolated aggregates after every trait is known).
"""
import dataclasses
import importlib

from stratus.objects import aggregate as aggregate_obj

PREFILTERS = ("traits", "compute_status", "availability_zone",
              "tenant_aggregates", "image_type", "image_traits",
              "isolated_aggregates")


@dataclasses.dataclass
class PlacementRequest:
    """The placement side of one request, as the pre-filters shape it."""
    required: set = dataclasses.field(default_factory=set)
    forbidden: set = dataclasses.field(default_factory=set)
    # [{aggregate uuid, ...}, ...]: a provider in one of each set.
    member_of: list = dataclasses.field(default_factory=list)
    forbidden_aggregates: set = dataclasses.field(default_factory=set)
    _aggregates: list = None

    def aggregates(self, ctx):
        """Every host aggregate, read once per request (and only by a
        pre-filter that needs them)."""
        if self._aggregates is None:
            self._aggregates = aggregate_obj.AggregateList.get_all(ctx)
        return self._aggregates


def placement_request(ctx, conf, spec):
    query = PlacementRequest()
    for module in _modules():
        module.apply(ctx, conf, spec, query)
    return query


def image_properties(spec):
    image = spec.get("image")
    properties = image.get("properties") if image is not None else None
    return properties or {}


_LOADED = []


def _modules():
    if not _LOADED:
        _LOADED.extend(importlib.import_module(__name__ + "." + name)
                       for name in PREFILTERS)
    return _LOADED
