"""Placement's errors, each with Placement's machine-readable error code."""
from stratus import exception


class PlacementError(exception.StratusException):
    error_code = "placement.undefined_code"


class ResourceProviderNotFound(PlacementError, exception.NotFound):
    msg_fmt = "No resource provider with uuid %(uuid)s found"


class ResourceProviderNameConflict(PlacementError, exception.Conflict):
    msg_fmt = ("Conflicting resource provider name: %(name)s already "
               "exists.")
    error_code = "placement.duplicate_name"


class ResourceClassNotFound(PlacementError, exception.NotFound):
    msg_fmt = "No such resource class %(name)s."


class ConcurrentUpdate(PlacementError, exception.Conflict):
    msg_fmt = ("resource provider generation conflict: another process "
               "changed %(what)s at the same time; please retry")
    error_code = "placement.concurrent_update"


class InventoryInUse(PlacementError, exception.Conflict):
    msg_fmt = ("Inventory for '%(resource_class)s' on resource provider "
               "'%(provider)s' in use.")
    error_code = "placement.inventory.inuse"


class AllocationRejected(PlacementError, exception.Conflict):
    """An allocation that does not fit a provider's inventory."""


class InsufficientCapacity(AllocationRejected):
    msg_fmt = ("Unable to allocate inventory: %(amount)s %(resource_class)s "
               "on resource provider '%(provider)s' exceeds its capacity "
               "(%(used)s of %(capacity)s used).")


class InventoryMissing(AllocationRejected):
    msg_fmt = ("Resource provider '%(provider)s' has no inventory of "
               "%(resource_class)s.")


class AllocationConstraintsViolated(AllocationRejected):
    msg_fmt = ("Unable to allocate inventory: %(amount)s %(resource_class)s "
               "on resource provider '%(provider)s' violates min_unit, "
               "max_unit, or step_size.")


class ConsumerNotFound(PlacementError, exception.NotFound):
    msg_fmt = "No consumer with uuid %(uuid)s found"
