"""Logging set-up: every record carries the request id it was made for."""
import logging
import sys
import threading

FORMAT = ("%(asctime)s %(process)d %(levelname)s %(name)s "
          "[%(request_id)s] %(message)s")


# The request id of the API request each thread serves (stratus.api.wsgi
# sets it around a request).
_request_state = threading.local()


def serving_request(request_id):
    """This thread now serves request_id (None: no request)."""
    _request_state.request_id = request_id


class RequestIdFilter(logging.Filter):
    """Adds the current request id (API thread or RPC context) to records."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _current_request_id() or "-"
        return True


def _current_request_id():
    request_id = getattr(_request_state, "request_id", None)
    if request_id:
        return request_id
    from oslo_context import context
    ctx = context.get_current()
    return getattr(ctx, "request_id", None)


def setup(conf, name="stratus"):
    handler = (logging.FileHandler(conf.log_file) if conf.log_file
               else logging.StreamHandler(sys.stderr))
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if conf.debug else logging.INFO)
    # Libraries that are chatty at INFO.
    for noisy in ("oslo_messaging", "oslo_policy", "stevedore", "kombu",
                  "amqp", "urllib3", "keystoneauth", "waitress.queue",
                  "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
