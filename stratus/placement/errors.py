"""Placement's machine-readable error codes (the ``code`` of an error
from microversion 1.23), one symbol per code, as Placement's errors.py.
Raise with a symbol from here; never spell a code as a string."""

# Any error without a code of its own.
DEFAULT = "placement.undefined_code"
CONCURRENT_UPDATE = "placement.concurrent_update"
DUPLICATE_NAME = "placement.duplicate_name"
INVENTORY_INUSE = "placement.inventory.inuse"
PROVIDER_IN_USE = "placement.resource_provider.inuse"
PROVIDER_CANNOT_DELETE_PARENT = (
    "placement.resource_provider.cannot_delete_parent")
QUERY_DUPLICATE_KEY = "placement.query.duplicate_key"
QUERY_BAD_VALUE = "placement.query.bad_value"
QUERY_MISSING_VALUE = "placement.query.missing_value"
