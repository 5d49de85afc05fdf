"""The machine-readable error codes are Placement's own strings (clients
match on them), each code held by exactly one symbol."""
from stratus.placement import errors as codes

PLACEMENTS_CODES = {
    "DEFAULT": "placement.undefined_code",
    "CONCURRENT_UPDATE": "placement.concurrent_update",
    "DUPLICATE_NAME": "placement.duplicate_name",
    "INVENTORY_INUSE": "placement.inventory.inuse",
    "PROVIDER_IN_USE": "placement.resource_provider.inuse",
    "PROVIDER_CANNOT_DELETE_PARENT":
        "placement.resource_provider.cannot_delete_parent",
    "QUERY_DUPLICATE_KEY": "placement.query.duplicate_key",
    "QUERY_BAD_VALUE": "placement.query.bad_value",
    "QUERY_MISSING_VALUE": "placement.query.missing_value",
}


def _table():
    return {name: value for name, value in vars(codes).items()
            if name.isupper()}


def test_the_codes_are_placements():
    assert _table() == PLACEMENTS_CODES


def test_no_code_has_two_symbols():
    values = list(_table().values())
    assert len(values) == len(set(values))
