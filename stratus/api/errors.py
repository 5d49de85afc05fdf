"""Exceptions to OpenStack error bodies, in one place."""
import logging

import webob

from stratus import exception

LOG = logging.getLogger(__name__)

# Nova's fault names by status code; anything else is a computeFault.
FAULT_NAMES = {
    400: "badRequest", 401: "unauthorized", 403: "forbidden",
    404: "itemNotFound", 405: "badMethod", 409: "conflictingRequest",
    413: "overLimit", 415: "badMediaType", 429: "overLimit",
    501: "notImplemented", 503: "serviceUnavailable",
}

# An error message echoes the request's values; a 1 MB name must not make
# a 1 MB error body.
MAX_MESSAGE = 1024

UNEXPECTED = ("Unexpected API Error. Please report this to the operator of "
              "this cloud and include the request id %s.")


def fault_body(status, message):
    return {FAULT_NAMES.get(status, "computeFault"):
            {"code": status, "message": message}}


def truncate(text, limit=MAX_MESSAGE):
    """text cut to limit characters, saying how much was left out."""
    text = str(text)
    if len(text) <= limit:
        return text
    return "%s... (%d more characters)" % (text[:limit], len(text) - limit)


def status_and_message(exc, request_id=None):
    """(status, message) for any exception, logging unexpected ones; the
    message is at most MAX_MESSAGE characters."""
    status, message = _status_and_message(exc, request_id)
    return status, truncate(message)


def _status_and_message(exc, request_id):
    if isinstance(exc, exception.StratusException):
        status = exc.code if 400 <= exc.code < 600 else 500
        if status == 500:
            LOG.error("Request %s failed: %s", request_id, exc, exc_info=exc)
            return 500, UNEXPECTED % request_id
        return status, exc.format_message()
    if isinstance(exc, webob.exc.HTTPException) and exc.code >= 400:
        return exc.code, exc.explanation or exc.title
    LOG.error("Request %s failed unexpectedly", request_id, exc_info=exc)
    return 500, UNEXPECTED % request_id


class HTTPError(exception.StratusException):
    """An error raised by a handler with an explicit status code."""

    def __init__(self, code, message):
        self.code = code
        super().__init__(message)


class RequestTooLarge(HTTPError):
    def __init__(self, limit):
        super().__init__(413, "Request is too large: the body may have at "
                              "most %d bytes." % limit)


def bad_request(message):
    return HTTPError(400, message)


def not_found(message):
    return HTTPError(404, message)


def conflict(message):
    return HTTPError(409, message)


def forbidden(message):
    return HTTPError(403, message)


class VersionNotAcceptable(exception.StratusException):
    code = 406
    msg_fmt = ("Version %(version)s is not supported by the API. Minimum is "
               "%(min)s and maximum is %(max)s.")


class InvalidVersion(exception.Invalid):
    msg_fmt = "API Version String %(version)s is of invalid format. Must be of format MajorNum.MinorNum."
