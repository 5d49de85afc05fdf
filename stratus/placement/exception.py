"""Placement's errors, each with Placement's machine-readable error code
(stratus.placement.errors)."""
from stratus import exception
from stratus.placement import errors


class PlacementError(exception.StratusException):
    error_code = errors.DEFAULT


class ResourceProviderNotFound(PlacementError, exception.NotFound):
    msg_fmt = "No resource provider with uuid %(uuid)s found"


class ResourceProviderNameConflict(PlacementError, exception.Conflict):
    msg_fmt = ("Conflicting resource provider name: %(name)s already "
               "exists.")
    error_code = errors.DUPLICATE_NAME


class ResourceClassNotFound(PlacementError, exception.NotFound):
    msg_fmt = "No such resource class %(name)s."


class ConcurrentUpdate(PlacementError, exception.Conflict):
    msg_fmt = ("resource provider generation conflict: another process "
               "changed %(what)s at the same time; please retry")
    error_code = errors.CONCURRENT_UPDATE


class InventoryInUse(PlacementError, exception.Conflict):
    msg_fmt = ("Inventory for '%(resource_class)s' on resource provider "
               "'%(provider)s' in use.")
    error_code = errors.INVENTORY_INUSE


class AllocationRejected(PlacementError, exception.Conflict):
    """An allocation that does not fit a provider's inventory."""


class PlacementUnavailable(PlacementError):
    """The Placement REST API (a cell conductor's) refused a request."""
    msg_fmt = "Placement answered %(status)s to %(what)s: %(detail)s"


class InsufficientCapacity(AllocationRejected):
    msg_fmt = ("Unable to allocate inventory: %(amount)s %(resource_class)s "
               "on resource provider '%(provider)s' exceeds its capacity "
               "(%(used)s of %(capacity)s used).")


class ConsumerAlreadyPlaced(AllocationRejected):
    """A new server's claim found its consumer holding allocations: a
    claim made for it elsewhere (a resumed build) stands."""
    msg_fmt = "Consumer %(consumer)s already holds allocations"


class InventoryMissing(AllocationRejected):
    msg_fmt = ("Resource provider '%(provider)s' has no inventory of "
               "%(resource_class)s.")


class AllocationConstraintsViolated(AllocationRejected):
    msg_fmt = ("Unable to allocate inventory: %(amount)s %(resource_class)s "
               "on resource provider '%(provider)s' violates min_unit, "
               "max_unit, or step_size.")


class ConsumerNotFound(PlacementError, exception.NotFound):
    msg_fmt = "No consumer with uuid %(uuid)s found"


class ResourceProviderUuidConflict(PlacementError, exception.Conflict):
    msg_fmt = ("Conflicting resource provider uuid: %(uuid)s already "
               "exists.")
    error_code = errors.DUPLICATE_NAME


class ResourceProviderInUse(PlacementError, exception.Conflict):
    msg_fmt = "Unable to delete resource provider %(uuid)s: still in use."
    error_code = errors.PROVIDER_IN_USE


class CannotDeleteParentResourceProvider(PlacementError, exception.Conflict):
    msg_fmt = ("Unable to delete parent resource provider %(uuid)s: It has "
               "child resource providers.")
    error_code = errors.PROVIDER_CANNOT_DELETE_PARENT


class ParentProviderNotFound(PlacementError, exception.Invalid):
    msg_fmt = "parent provider UUID does not exist."


class ProviderTreeLoop(PlacementError, exception.Invalid):
    msg_fmt = "creating loop in the provider tree is not allowed."


class InventoryNotFound(PlacementError, exception.NotFound):
    msg_fmt = ("No inventory of class %(resource_class)s found for "
               "resource provider %(provider)s")


class InventoryExists(PlacementError, exception.Conflict):
    msg_fmt = ("Inventory for %(resource_class)s on resource provider "
               "%(provider)s already exists.")


class InvalidInventory(PlacementError, exception.Invalid):
    msg_fmt = "Unable to update inventory: %(reason)s"


class ResourceClassExists(PlacementError, exception.Conflict):
    msg_fmt = "Resource class already exists: %(name)s"
    error_code = errors.DUPLICATE_NAME


class ResourceClassInUse(PlacementError, exception.Conflict):
    msg_fmt = ("Cannot delete resource class %(name)s. Class is in use in "
               "inventory.")


class ResourceClassCannotChangeStandard(PlacementError, exception.Invalid):
    msg_fmt = "Cannot update standard resource class %(name)s"


class TraitNotFound(PlacementError, exception.NotFound):
    msg_fmt = "No such trait(s): %(names)s."


class TraitInUse(PlacementError, exception.Conflict):
    msg_fmt = "The trait %(name)s is in use by a resource provider."


class TraitCannotDeleteStandard(PlacementError, exception.Invalid):
    msg_fmt = "Cannot delete standard trait %(name)s."


class ConsumerGenerationConflict(ConcurrentUpdate):
    msg_fmt = ("consumer generation conflict - expected %(expected)s but "
               "got %(actual)s")


class InvalidAllocation(PlacementError, exception.Invalid):
    msg_fmt = "Unable to allocate inventory: %(reason)s"


class ReparentNotAllowed(PlacementError, exception.Invalid):
    msg_fmt = "re-parenting a provider is not currently allowed."
