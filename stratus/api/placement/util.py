"""What every Placement handler shares: errors with Placement's codes,
JSON bodies, links, and the query parameters several nouns take."""
import re
import uuid as uuid_lib

from stratus.api import errors
from stratus.api import validation
from stratus.placement import errors as codes

_NAME = re.compile(r"^[A-Z0-9_]+$")
_DIGITS = re.compile(r"^[0-9]+$")


def http_error(status, message, code=None):
    error = errors.HTTPError(status, message)
    if code is not None:
        error.error_code = code
    return error


def wants(req, minor):
    """True when the request's microversion is at least 1.minor."""
    return req.api_version >= (1, minor)


def json_body(req, schema):
    """The request's JSON body, validated (415 unless it is JSON)."""
    if req.content_type != "application/json":
        raise http_error(415, "The media type %s is not supported, use "
                         "application/json" % (req.content_type or None))
    document = req.json_document()
    validation.validate(schema, document)
    return document


def link(req, path):
    return req.script_name + path


def normalize_uuid(text, what="uuid"):
    try:
        return str(uuid_lib.UUID(text))
    except (ValueError, TypeError, AttributeError):
        raise http_error(400, "Invalid %s value: %s" % (what, text),
                         codes.QUERY_BAD_VALUE)


def check_query(req, allowed, pattern=None):
    """400 for a parameter the handler does not know."""
    for name in req.GET:
        if name not in allowed and not (pattern and pattern.match(name)):
            raise http_error(400, "Invalid query string parameters: "
                             "'%s' was unexpected" % name)


def single(req, name):
    """The one value of a parameter that may not repeat, or None."""
    values = req.GET.getall(name)
    if len(values) > 1:
        raise http_error(400, "Query parameter %r may be provided only "
                         "once." % name, codes.QUERY_DUPLICATE_KEY)
    return values[0] if values else None


def is_digits(text):
    """Only ASCII digits (str.isdigit also takes '²', which int refuses)."""
    return bool(_DIGITS.match(text))


def parse_resources(text, name="resources"):
    """{class: amount} from 'VCPU:2,MEMORY_MB:1024'."""
    resources = {}
    for item in text.split(","):
        class_name, sep, amount = item.partition(":")
        class_name = class_name.strip()
        if not sep or not _NAME.match(class_name) or not _DIGITS.match(
                amount.strip()):
            raise http_error(
                400, "Badly formed %s parameter. Expected %s query string "
                "parameter in form: ?%s=VCPU:2,MEMORY_MB:1024. Got: %s."
                % (name, name, name, text), codes.QUERY_BAD_VALUE)
        value = int(amount)
        if value < 1 or value > 2147483647:
            raise http_error(400, "Requested resource %s expected positive "
                             "integer amount. Got: %s." % (class_name, amount),
                             codes.QUERY_BAD_VALUE)
        if class_name in resources:
            raise http_error(400, "Resource class %s listed twice in %s."
                             % (class_name, name), codes.QUERY_BAD_VALUE)
        resources[class_name] = value
    return resources


def parse_required(req, values, name="required"):
    """([any-of frozenset of trait names], forbidden set) from the values
    of a required parameter: 'A,!B' (forbidden from 1.22), 'in:A,B'
    (any-of from 1.39), repeated (from 1.39)."""
    if len(values) > 1 and not wants(req, 39):
        raise http_error(400, "Query parameter %r may be provided only "
                         "once." % name, codes.QUERY_DUPLICATE_KEY)
    required, forbidden = [], set()
    for value in values:
        if wants(req, 39) and value.startswith("in:"):
            names = value[3:].split(",")
            _check_traits(value, names, name)
            required.append(frozenset(names))
            continue
        for trait in value.split(","):
            trait = trait.strip()
            if trait.startswith("!") and wants(req, 22):
                _check_traits(value, [trait[1:]], name)
                forbidden.add(trait[1:])
            else:
                _check_traits(value, [trait], name)
                required.append(frozenset([trait]))
    conflict = forbidden & set().union(*required) if required else set()
    if conflict:
        raise http_error(400, "Conflicting required and forbidden traits "
                         "found in the following traits keys: %s: (%s)"
                         % (name, ", ".join(sorted(conflict))),
                         codes.QUERY_BAD_VALUE)
    return required, forbidden


def _check_traits(value, names, param):
    if not names or any(not n or not _NAME.match(n) for n in names):
        raise http_error(400, "Invalid query string parameters: Expected "
                         "'%s' parameter value of the form: HW_CPU_X86_VMX,"
                         "CUSTOM_MAGIC. Got: %s" % (param, value),
                         codes.QUERY_BAD_VALUE)


def parse_member_of(req, values, name="member_of"):
    """([any-of frozenset of aggregate uuids], forbidden set): 'in:a,b',
    'a', repeated (from 1.24), '!a' or '!in:a,b' (from 1.32)."""
    if len(values) > 1 and not wants(req, 24):
        raise http_error(400, "Query parameter %r may be provided only "
                         "once." % name, codes.QUERY_DUPLICATE_KEY)
    member_of, forbidden = [], set()
    for value in values:
        negative = value.startswith("!") and wants(req, 32)
        text = value[1:] if negative else value
        if text.startswith("in:"):
            text = text[3:]
        elif "," in text:
            raise http_error(400, "Expected %s parameter to contain valid "
                             "UUID(s) with 'in:' prefix for several. Got: %s"
                             % (name, value), codes.QUERY_BAD_VALUE)
        uuids = {normalize_uuid(u, "aggregate uuid") for u in text.split(",")}
        if negative:
            forbidden |= uuids
        else:
            member_of.append(frozenset(uuids))
    return member_of, forbidden
