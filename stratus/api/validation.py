"""JSON Schema validation of request bodies and query strings.

``@schema(body_schema, "2.1", "2.18")`` may be stacked: the first schema
whose version range holds the request's microversion applies. The schemas
stay attached to the handler (``_body_schemas``, ``_query_schemas``):
stratus/api/openapi.py generates the OpenAPI documents (served at
GET /openapi.json, copied to docs/openapi/) from them, the route tables and
the response schemas (docs/openapi.md).
"""
import functools

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema import FormatChecker

from stratus.api import errors as api_errors
from stratus import exception

_FORMATS = FormatChecker()


def _parse_version(text):
    if text is None:
        return None
    major, minor = text.split(".")
    return (int(major), int(minor))


def _describe(error):
    path = "/".join(str(part) for part in error.absolute_path)
    if error.validator == "additionalProperties":
        return "Additional properties are not allowed (%s)" % error.message.split("(")[-1].rstrip(")")
    if path:
        # The value is echoed shortened: it may be as long as the body.
        return "Invalid input for field/attribute %s. Value: %s. %s" % (
            path.split("/")[-1], api_errors.truncate(error.instance, 255),
            api_errors.truncate(error.message, 512))
    return "Invalid input: %s" % error.message


def _validate(schema_doc, document):
    validator = Draft202012Validator(schema_doc, format_checker=_FORMATS)
    errors = sorted(validator.iter_errors(document),
                    key=lambda e: list(e.absolute_path))
    if errors:
        # the most specific error is the one a user can act on
        best = jsonschema.exceptions.best_match(errors)
        raise exception.ValidationError(_describe(best))


def _wrap(func, attr, entry):
    if not hasattr(func, attr):
        original = func

        @functools.wraps(original)
        def wrapper(req, *args, **kwargs):
            for schema_doc, low, high in getattr(wrapper, "_body_schemas", []):
                if _in_range(req.api_version, low, high):
                    _validate(schema_doc, req.json_body_or_none())
                    break
            for schema_doc, low, high in getattr(wrapper, "_query_schemas", []):
                if _in_range(req.api_version, low, high):
                    _validate(schema_doc, req.query_dict())
                    break
            return original(req, *args, **kwargs)
        wrapper._body_schemas = list(getattr(original, "_body_schemas", []))
        wrapper._query_schemas = list(getattr(original, "_query_schemas", []))
        func = wrapper
    getattr(func, attr).append(entry)
    return func


def _in_range(version, low, high):
    return (low is None or version >= low) and (high is None or version <= high)


def schema(schema_doc, min_version=None, max_version=None):
    entry = (schema_doc, _parse_version(min_version), _parse_version(max_version))

    def decorator(func):
        return _wrap(func, "_body_schemas", entry)
    return decorator


def query_schema(schema_doc, min_version=None, max_version=None):
    entry = (schema_doc, _parse_version(min_version), _parse_version(max_version))

    def decorator(func):
        return _wrap(func, "_query_schemas", entry)
    return decorator


def validate(schema_doc, document):
    """Check document against schema_doc (ValidationError, a 400)."""
    _validate(schema_doc, document)
