"""The input guard every API (compute, placement, identity, image,
metadata) runs before its handlers: what a request may look like before
any of it is routed, authenticated, parsed or stored.

- the URL's path and query are UTF-8 without NUL characters (400);
- the body is at most ``[oslo_middleware] max_request_body_size`` bytes:
  a larger Content-Length is refused at once, a body of unknown length is
  read up to one byte past the limit (413); routes that stream data (image
  uploads) are exempt;
- a JSON body is nested at most ``MAX_JSON_DEPTH`` deep, holds no NUL and
  no NaN or Infinity (400), checked without recursion before it is parsed;
- integer ids in paths fit the database's columns (``int_id``, which
  handlers taking an integer id use).

Each check raises an ``errors.HTTPError``, which the Application renders
in its own API's error format.
"""
import io
import json
import re
import urllib.parse

from oslo_config import cfg

from stratus.api import errors
from stratus.db import types as db_types
from stratus import exception

DEFAULT_MAX_BODY = 114688
# Deeper than any document of the four APIs; far below what would exhaust
# the parser's or the validator's stack.
MAX_JSON_DEPTH = 64

_NUL = "Invalid input: null characters are not allowed"
_MALFORMED = "Malformed request body"


# URL ---------------------------------------------------------------------

def check_url(environ):
    """400 for a path or query that is not UTF-8 (raw or percent-escaped)
    or holds NUL. The offending part is replaced by a harmless one first,
    so that error rendering and logging can still read the request."""
    path = environ.get("PATH_INFO", "")
    if not _is_utf8(path):
        environ["PATH_INFO"] = _sanitized(path)
        raise errors.bad_request("Invalid URL: the path is not valid UTF-8.")
    query = environ.get("QUERY_STRING", "")
    if not _is_utf8(query, unquote=True):
        environ["QUERY_STRING"] = ""
        raise errors.bad_request(
            "Invalid URL: the query string is not valid UTF-8.")
    if "\x00" in path or "%00" in query or "\x00" in query:
        raise errors.bad_request(_NUL)


def _is_utf8(text, unquote=False):
    """Whether a WSGI string (bytes as latin-1, PEP 3333) is UTF-8, after
    percent-decoding when unquote is set."""
    try:
        raw = text.encode("latin-1")
        if unquote:
            raw = urllib.parse.unquote_to_bytes(raw)
        raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
    return True


def _sanitized(text):
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return "/"
    return raw.decode("utf-8", "replace").encode("utf-8").decode("latin-1")


# Body --------------------------------------------------------------------

def max_body_size(conf):
    try:
        return conf.oslo_middleware.max_request_body_size
    except (AttributeError, cfg.Error):  # a conf built without the group
        return DEFAULT_MAX_BODY


def limit_body(environ, limit):
    """413 at once for a declared length over limit. A body of unknown
    length (chunked) is read now, at most limit + 1 bytes: 413 if it is
    longer, else it is handed on with its length declared."""
    length = environ.get("CONTENT_LENGTH")
    if length:
        try:
            declared = int(length)
        except ValueError:
            raise errors.bad_request("Invalid Content-Length header.")
        if declared > limit:
            raise errors.RequestTooLarge(limit)
        if declared < 0:
            raise errors.bad_request("Invalid Content-Length header.")
        return  # a body is read up to its declared length, no further
    if not _has_body(environ):
        return
    stream = environ.get("wsgi.input")
    body = b""
    while stream is not None and len(body) <= limit:
        chunk = stream.read(limit + 1 - len(body))
        if not chunk:
            break
        body += chunk
    if len(body) > limit:
        raise errors.RequestTooLarge(limit)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["webob.is_body_seekable"] = True


# Content type (Compute) --------------------------------------------------

# Nova takes these as JSON, and a body without a type or sent as
# text/plain (the default of some HTTP libraries) too.
NOVA_JSON_TYPES = frozenset(["", "text/plain", "application/json",
                             "application/vnd.openstack.compute+json"])


def check_content_type(req, accepted):
    """415, as Nova, for a body whose Content-Type is not in accepted."""
    if not _has_body(req.environ):
        return
    if (req.content_type or "").lower() not in accepted:
        raise errors.HTTPError(415, "Unsupported Content-Type")


def _has_body(environ):
    """Whether a body comes: a non-zero length, or chunks (WSGI servers
    that de-chunk say so with wsgi.input_terminated)."""
    length = environ.get("CONTENT_LENGTH")
    if length:
        return length != "0"
    return bool("chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
                or environ.get("wsgi.input_terminated"))


# JSON --------------------------------------------------------------------

# A JSON token that matters for nesting: an escape pair (so that \" never
# ends a string), a quote, or a bracket.
_JSON_TOKEN = re.compile(r'\\.|["\[\]{}]', re.S)


def json_depth(text):
    """How deep arrays and objects nest in a JSON text, in one linear pass
    without recursion (it does not validate the text)."""
    depth = deepest = 0
    in_string = False
    for token in _JSON_TOKEN.finditer(text):
        char = token.group()
        if in_string:
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name):
    raise ValueError("%s is not JSON" % name)


def parse_json(body):
    """The document of a JSON request body; 400 for anything else or for
    a document deeper than MAX_JSON_DEPTH or holding NUL characters."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise exception.Invalid(_MALFORMED)
    if json_depth(text) > MAX_JSON_DEPTH:
        raise exception.Invalid("%s: nested deeper than %d levels"
                                % (_MALFORMED, MAX_JSON_DEPTH))
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise exception.Invalid(_MALFORMED)
    if "\\u0000" in text or "\x00" in text:
        # No database stores NUL in text (PostgreSQL refuses it).
        raise exception.Invalid(_NUL)
    return document


# Response headers ----------------------------------------------------------

_HEADER_SAFE = "".join(chr(code) for code in range(0x20, 0x7f))


def latin1_headers(response):
    """Percent-encode what a header value holds beyond latin-1 (a name a
    user chose, in a Location): the HTTP server could not send it."""
    for index, (name, value) in enumerate(response.headerlist):
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            response.headerlist[index] = (
                name, urllib.parse.quote(value, safe=_HEADER_SAFE))


# Ids ---------------------------------------------------------------------

# An integer id from a path segment, or None beyond the database's range
# (the handler answers 404).
int_id = db_types.int_id
