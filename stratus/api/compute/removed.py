"""The APIs Nova removed (routes.REMOVED): 410 Gone, as Nova answers."""
from stratus.api import errors

GONE_MESSAGE = ("This resource is no longer available.  No forwarding "
                "address is given.")


def gone(req, **params):
    raise errors.HTTPError(410, GONE_MESSAGE)
