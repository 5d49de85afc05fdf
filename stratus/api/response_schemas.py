"""The response schemas of the Compute, Placement, Identity and Image
APIs, as data.

Each module of ``stratus.api.schemas.responses`` (compute, one per
resource), ``placement_responses``, ``identity_responses`` and
``image_responses`` holds a ``RESPONSES`` table::

    RESPONSES = {
        (METHOD, route template): [
            (min microversion, max microversion or None, status,
             JSON Schema of the body or None for no body), ...],
        # an action route may be split by the action the body names:
        (METHOD, route template, action name): [...],
    }

A route Nova answers only with errors (the bare metal proxy's create,
delete and actions: 400 whatever the request) lists those: its entries
all have an error status, with the error body's schema (ERROR).

The APIs without microversions (Identity, Image) give None for both
versions. A schema made by ``raw(media_type)`` is a body that is not JSON
(image data). The package's ``ERROR`` is the body of every error answer;
``ERROR_MEDIA_TYPES`` the other types an error may come in (Glance's
webob errors are HTML or plain text to a client that does not ask for
JSON).

A module may hold ``KNOWN_DRIFT``: (METHOD, route template[, action],
min microversion, max microversion or None) where Stratus answers
otherwise than Nova today and a fix is on its way. The schema stays Nova's;
a response there that breaks it is reported, not failed on (see
docs/api-schemas.md).

``lookup`` finds the schema of one answer; ``problems`` checks one answer
against it: the functional tests check every answer they see
(tests/conftest.py) and the OpenAPI documents are made from the same
tables (stratus/api/openapi.py).
"""
import functools
import importlib
import json
import pkgutil

from jsonschema import Draft202012Validator
from jsonschema import FormatChecker
from jsonschema.exceptions import best_match

COMPUTE = "compute"
PLACEMENT = "placement"
IDENTITY = "identity"
IMAGE = "image"
_PACKAGES = {COMPUTE: "stratus.api.schemas.responses",
             PLACEMENT: "stratus.api.schemas.placement_responses",
             IDENTITY: "stratus.api.schemas.identity_responses",
             IMAGE: "stratus.api.schemas.image_responses"}
# The APIs without microversions.
UNVERSIONED = frozenset([IDENTITY, IMAGE])
JSON = "application/json"
_MEDIA_TYPE = "contentMediaType"


def raw(media_type):
    """The schema of a body that is not JSON (image data)."""
    return {"type": "string", _MEDIA_TYPE: media_type}


def media_type(schema):
    """The media type of a body of this schema."""
    return (schema or {}).get(_MEDIA_TYPE, JSON)


def parse_version(text):
    if text is None:
        return None
    major, minor = text.split(".")
    return (int(major), int(minor))


class Table:
    """Every RESPONSES entry of one API."""

    def __init__(self, responses, drift, errors, error_media_types=()):
        self.responses = responses
        self.drift = drift
        self.error_schema = errors
        self.error_media_types = tuple(error_media_types)

    def entries(self, method, template, action=None):
        if action is not None and (method, template, action) in self.responses:
            return self.responses[(method, template, action)]
        return self.responses.get((method, template))

    def actions(self, method, template):
        """The action names with entries of their own on this route."""
        return sorted(key[2] for key in self.responses
                      if len(key) == 3 and key[:2] == (method, template))

    def lookup(self, method, template, version, status, action=None):
        """(found, schema): found False when no entry covers the answer;
        schema None for an answer without a body."""
        if status >= 400:
            return True, self.error_schema
        for low, high, code, schema in self.entries(
                method, template, action) or ():
            if code == status and _within(version, low, high):
                return True, schema
        return False, None

    def drifting(self, method, template, version, action=None):
        for entry in self.drift:
            key, low, high = entry[:-2], entry[-2], entry[-1]
            if key in ((method, template), (method, template, action)) and \
                    _within(version, low, high):
                return True
        return False


def _within(version, low, high):
    """version None: an API without microversions, whose entries have
    no range."""
    return ((low is None or parse_version(low) <= version)
            and (high is None or version <= parse_version(high)))


@functools.lru_cache(maxsize=None)
def table(api):
    package = importlib.import_module(_PACKAGES[api])
    responses, drift = {}, []
    errors = getattr(package, "ERROR", None)
    error_media_types = getattr(package, "ERROR_MEDIA_TYPES", ())
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module("%s.%s" % (package.__name__,
                                                    info.name))
        for key, entries in getattr(module, "RESPONSES", {}).items():
            if key in responses:
                raise ValueError("%s: %s has entries in two modules"
                                 % (api, key))
            responses[key] = entries
        drift.extend(getattr(module, "KNOWN_DRIFT", ()))
        errors = getattr(module, "ERROR", errors)
    return Table(responses, drift, errors, error_media_types)


@functools.lru_cache(maxsize=None)
def _validator(schema_json):
    return Draft202012Validator(json.loads(schema_json),
                                format_checker=FormatChecker())


def validate(schema, document):
    """The messages of every way document breaks schema."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    messages = []
    for error in validator.iter_errors(document):
        while error.context:
            # anyOf / oneOf: the error of the branch that came closest
            error = best_match(error.context)
        messages.append("%s: %s" % (
            "/".join(str(p) for p in error.absolute_path) or "(body)",
            error.message[:300]))
    return messages


def problems(api, method, template, version, status, body, action=None,
             content_type=None):
    """What is wrong with one answer: [] when it fits its schema.

    template None is a URL no route matched (only an error may answer it);
    version None for an API without microversions; body is the raw bytes.
    """
    if method == "HEAD":
        return []
    if template is None:
        if status < 400:
            return ["%s %s: a success for a URL no route matches"
                    % (method, status)]
        method = template = "*"
    found, schema = table(api).lookup(method, template, version, status,
                                      action)
    where = "%s %s%s %s" % (method, template,
                            " (%s)" % action if action else "", status)
    if version is not None:
        where += " at %d.%d" % version
    if not found:
        return ["%s: no response schema for this status" % where]
    if schema is None:
        return ["%s: a body where none is due" % where] if body else []
    if status >= 400 and content_type in table(api).error_media_types:
        return []
    expected = media_type(schema)
    if content_type and content_type != expected and not (
            expected == JSON and "json" in content_type):
        return ["%s: a %s body, not %s" % (where, content_type, expected)]
    if expected != JSON:
        return []
    try:
        document = json.loads(body)
    except ValueError:
        return ["%s: the body is not JSON" % where]
    return ["%s: %s" % (where, message)
            for message in validate(schema, document)]
