"""JSON Schemas of the Placement API's request bodies, per microversion."""
import copy

MAX_INT = 2147483647
UUID = {"type": "string", "pattern":
        "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
        "[0-9a-fA-F]{12}$"}
GENERATION = {"type": "integer", "minimum": 0, "maximum": MAX_INT}
RESOURCE_CLASS = {"type": "string", "pattern": "^[A-Z0-9_]+$",
                  "maxLength": 255}
CUSTOM_NAME = {"type": "string", "pattern": "^CUSTOM_[A-Z0-9_]+$",
               "maxLength": 255}
TRAIT = {"type": "string", "pattern": "^[A-Z0-9_]+$", "maxLength": 255}

# Resource providers ---------------------------------------------------------

PROVIDER_NAME = {"type": "string", "minLength": 1, "maxLength": 200}
POST_PROVIDER = {
    "type": "object",
    "properties": {"name": PROVIDER_NAME, "uuid": UUID},
    "required": ["name"], "additionalProperties": False}
POST_PROVIDER_1_14 = copy.deepcopy(POST_PROVIDER)
POST_PROVIDER_1_14["properties"]["parent_provider_uuid"] = {
    "anyOf": [UUID, {"type": "null"}]}
PUT_PROVIDER = {
    "type": "object", "properties": {"name": PROVIDER_NAME},
    "required": ["name"], "additionalProperties": False}
PUT_PROVIDER_1_14 = copy.deepcopy(PUT_PROVIDER)
PUT_PROVIDER_1_14["properties"]["parent_provider_uuid"] = {
    "anyOf": [UUID, {"type": "null"}]}

# Inventories ---------------------------------------------------------------

INVENTORY_FIELDS = {
    "total": {"type": "integer", "minimum": 1, "maximum": MAX_INT},
    "reserved": {"type": "integer", "minimum": 0, "maximum": MAX_INT},
    "min_unit": {"type": "integer", "minimum": 1, "maximum": MAX_INT},
    "max_unit": {"type": "integer", "minimum": 1, "maximum": MAX_INT},
    "step_size": {"type": "integer", "minimum": 1, "maximum": MAX_INT},
    "allocation_ratio": {"type": "number", "minimum": 0,
                         "maximum": 3.40282e+38},
}
INVENTORY = {"type": "object", "properties": dict(INVENTORY_FIELDS),
             "required": ["total"], "additionalProperties": False}
POST_INVENTORY = {
    "type": "object",
    "properties": dict(INVENTORY_FIELDS, resource_class=RESOURCE_CLASS),
    "required": ["total", "resource_class"], "additionalProperties": False}
PUT_INVENTORY = {
    "type": "object",
    "properties": dict(INVENTORY_FIELDS,
                       resource_provider_generation=GENERATION),
    "required": ["total", "resource_provider_generation"],
    "additionalProperties": False}
INVENTORIES = {
    "type": "object",
    "patternProperties": {"^[A-Z0-9_]+$": INVENTORY},
    "additionalProperties": False}
PUT_INVENTORIES = {
    "type": "object",
    "properties": {"resource_provider_generation": GENERATION,
                   "inventories": INVENTORIES},
    "required": ["resource_provider_generation", "inventories"],
    "additionalProperties": False}

# Aggregates and traits -----------------------------------------------------

AGGREGATE_LIST = {"type": "array", "items": UUID, "uniqueItems": True}
PUT_AGGREGATES = AGGREGATE_LIST
PUT_AGGREGATES_1_19 = {
    "type": "object",
    "properties": {"aggregates": AGGREGATE_LIST,
                   "resource_provider_generation": GENERATION},
    "required": ["aggregates", "resource_provider_generation"],
    "additionalProperties": False}
PUT_PROVIDER_TRAITS = {
    "type": "object",
    "properties": {"traits": {"type": "array", "items": TRAIT,
                              "uniqueItems": True},
                   "resource_provider_generation": GENERATION},
    "required": ["traits", "resource_provider_generation"],
    "additionalProperties": False}

# Resource classes ------------------------------------------------------------

POST_RESOURCE_CLASS = {"type": "object", "properties": {"name": CUSTOM_NAME},
                       "required": ["name"], "additionalProperties": False}

# Allocations ---------------------------------------------------------------

RESOURCES = {
    "type": "object", "minProperties": 1,
    "patternProperties": {"^[A-Z0-9_]+$": {
        "type": "integer", "minimum": 1, "maximum": MAX_INT}},
    "additionalProperties": False}
OWNER = {"type": "string", "minLength": 1, "maxLength": 255}
CONSUMER_TYPE = {"type": "string", "pattern": "^[A-Z0-9_]+$",
                 "minLength": 1, "maxLength": 255}

PUT_ALLOCATIONS_1_0 = {
    "type": "object",
    "properties": {
        "allocations": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "properties": {
                "resource_provider": {
                    "type": "object", "properties": {"uuid": UUID},
                    "required": ["uuid"], "additionalProperties": False},
                "resources": RESOURCES},
            "required": ["resource_provider", "resources"],
            "additionalProperties": False}},
        "project_id": OWNER, "user_id": OWNER},
    "required": ["allocations"], "additionalProperties": False}
PUT_ALLOCATIONS_1_8 = copy.deepcopy(PUT_ALLOCATIONS_1_0)
PUT_ALLOCATIONS_1_8["required"] += ["project_id", "user_id"]


def _dict_allocations(min_providers):
    return {"type": "object", "minProperties": min_providers,
            "patternProperties": {UUID["pattern"]: {
                "type": "object",
                "properties": {"resources": RESOURCES,
                               "generation": GENERATION},
                "required": ["resources"], "additionalProperties": False}},
            "additionalProperties": False}


PUT_ALLOCATIONS_1_12 = {
    "type": "object",
    "properties": {"allocations": _dict_allocations(1),
                   "project_id": OWNER, "user_id": OWNER},
    "required": ["allocations", "project_id", "user_id"],
    "additionalProperties": False}
PUT_ALLOCATIONS_1_28 = copy.deepcopy(PUT_ALLOCATIONS_1_12)
PUT_ALLOCATIONS_1_28["properties"]["consumer_generation"] = {
    "anyOf": [GENERATION, {"type": "null"}]}
PUT_ALLOCATIONS_1_28["properties"]["allocations"] = _dict_allocations(0)
PUT_ALLOCATIONS_1_28["required"].append("consumer_generation")
PUT_ALLOCATIONS_1_38 = copy.deepcopy(PUT_ALLOCATIONS_1_28)
PUT_ALLOCATIONS_1_38["properties"]["consumer_type"] = CONSUMER_TYPE
PUT_ALLOCATIONS_1_38["required"].append("consumer_type")


def _many(consumer_schema):
    consumer = copy.deepcopy(consumer_schema)
    consumer["properties"]["allocations"] = _dict_allocations(0)
    return {"type": "object", "minProperties": 1,
            "patternProperties": {UUID["pattern"]: consumer},
            "additionalProperties": False}


POST_ALLOCATIONS_1_13 = _many(PUT_ALLOCATIONS_1_12)
POST_ALLOCATIONS_1_28 = _many(PUT_ALLOCATIONS_1_28)
POST_ALLOCATIONS_1_38 = _many(PUT_ALLOCATIONS_1_38)

# Reshaper ------------------------------------------------------------------

RESHAPER_1_30 = {
    "type": "object",
    "properties": {
        "inventories": {
            "type": "object",
            "patternProperties": {UUID["pattern"]: PUT_INVENTORIES},
            "additionalProperties": False},
        "allocations": copy.deepcopy(POST_ALLOCATIONS_1_28)},
    "required": ["inventories", "allocations"],
    "additionalProperties": False}
RESHAPER_1_30["properties"]["allocations"]["minProperties"] = 0
RESHAPER_1_38 = copy.deepcopy(RESHAPER_1_30)
RESHAPER_1_38["properties"]["allocations"] = dict(POST_ALLOCATIONS_1_38,
                                                  minProperties=0)
