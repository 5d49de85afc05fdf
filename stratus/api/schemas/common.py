"""Parameter types shared by the Compute API's request schemas.

Query strings reach the validator as ``{name: [values]}`` (see
``Request.query_dict``), so every query parameter is an array of strings.
"""
import copy

from stratus import exception

MAX_INT = 0x7FFFFFFF

# Printable, no leading or trailing whitespace: Nova's rule for names of
# flavors, keypairs, servers, aggregates...
_NAME_PATTERN = r"^(?![\s])[^\x00-\x1f\x7f-\x9f]*(?<![\s])$"

name = {
    "type": "string", "minLength": 1, "maxLength": 255,
    "pattern": _NAME_PATTERN,
}

# Any string a database can store (PostgreSQL refuses NUL characters).
text = {"type": "string", "pattern": r"^[^\x00]*$"}

# Free text that may be empty but holds no control characters.
description = {
    "type": ["string", "null"], "minLength": 0, "maxLength": 65535,
    "pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
}

# The boolean spellings Nova's API accepts besides JSON booleans.
_TRUE_STRINGS = ["True", "TRUE", "true", "1", "ON", "On", "on",
                 "YES", "Yes", "yes"]
_FALSE_STRINGS = ["False", "FALSE", "false", "0", "OFF", "Off", "off",
                  "NO", "No", "no"]

boolean = {
    "type": ["boolean", "string"],
    "enum": [True, False] + _TRUE_STRINGS + _FALSE_STRINGS,
}

# Integers as JSON numbers or digit strings ("512"), as Nova accepts them.
positive_integer = {
    "type": ["integer", "string"], "pattern": "^[0-9]+$",
    "minimum": 1, "maximum": MAX_INT,
}
non_negative_integer = dict(positive_integer, minimum=0)


def to_bool(value):
    """A boolean from a value the ``boolean`` type accepted."""
    if isinstance(value, bool):
        return value
    return str(value) in _TRUE_STRINGS


def to_int(value, field, minimum, maximum=MAX_INT):
    """An int in [minimum, maximum] from an int or a digit string; 400
    with oslo's wording otherwise (the schema cannot range-check strings)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise exception.InvalidInput(reason="%s must be an integer" % field)
    if number < minimum:
        raise exception.InvalidInput(
            reason="%s must be >= %d" % (field, minimum))
    if number > maximum:
        raise exception.InvalidInput(
            reason="%s must be <= %d" % (field, maximum))
    return number


# Query strings ------------------------------------------------------------

def multi_params(item_schema):
    """A query parameter: one or more values, each matching item_schema."""
    return {"type": "array", "items": item_schema}


query_string = multi_params(text)
query_non_negative_integer = multi_params(
    {"type": "string", "pattern": "^[0-9]+$"})

pagination_parameters = {
    "limit": query_non_negative_integer,
    "marker": query_string,
}


def query_schema(properties, strict=False):
    """A query string schema; strict (2.75 and later for most list APIs)
    turns unknown parameters into 400s instead of ignoring them."""
    return {
        "type": "object",
        "properties": copy.deepcopy(properties),
        "additionalProperties": not strict,
    }


# 2.102: routes that took no query parameters and ignored any now refuse
# unknown ones (400), as the list APIs did from 2.75.
NO_QUERY_V2102 = query_schema({}, strict=True)


def strict_variant(schema):
    """The same query schema, rejecting unknown parameters (2.75)."""
    strict = copy.deepcopy(schema)
    strict["additionalProperties"] = False
    return strict


# Metadata (image metadata proxy, flavor extra specs) --------------------

METADATA_KEY_PATTERN = "^[a-zA-Z0-9-_:. ]{1,255}$"


def metadata(value_types=("string",)):
    return {
        "type": "object",
        "patternProperties": {
            METADATA_KEY_PATTERN: {
                "type": list(value_types), "maxLength": 255,
                "pattern": text["pattern"],
            },
        },
        "additionalProperties": False,
    }
