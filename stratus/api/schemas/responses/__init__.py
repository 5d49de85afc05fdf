"""Response schemas of the Compute API, one module per resource (the
format: stratus/api/response_schemas.py). ERROR is the body of every
error answer, Nova's {"itemNotFound": {"code": 404, "message": "..."}}."""

ERROR = {
    "type": "object",
    "minProperties": 1, "maxProperties": 1,
    "additionalProperties": {
        "type": "object",
        "properties": {"code": {"type": "integer", "minimum": 400,
                                "maximum": 599},
                       "message": {"type": "string"}},
        "required": ["code", "message"],
        "additionalProperties": False,
    },
    "propertyNames": {"enum": [
        "badRequest", "unauthorized", "forbidden", "itemNotFound",
        "badMethod", "conflictingRequest", "overLimit", "badMediaType",
        "notImplemented", "serviceUnavailable", "computeFault",
        "notAcceptable", "gone", "unprocessableEntity",
        "requestEntityTooLarge", "lengthRequired"]},
}
