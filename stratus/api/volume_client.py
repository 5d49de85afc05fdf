"""The built-in block storage service for callers in this process (the
compute API, and the all-in-one's conductor and computes): its app
without keystonemiddleware, taking the caller's RequestContext from the
WSGI environ (auth.InProcess; stratus.rest_transport.DirectTransport puts
it there), and the Cinder client over it."""
import threading

from stratus.api import auth


def in_process_app(conf, databases, token_validator=None,
                   compute_app=None, image_api=None):
    """The built-in block storage app (stratus.api.volume.app.VolumeApp)
    for in-process calls: the caller's context, authenticated where its
    request came in, stands for its token. compute_app: the compute app
    of this process (a callable), where its events for servers go
    (volume-extended, volume-reimaged); None: over HTTP. image_api: the
    image service volumes are made from (None: [glance]'s or the
    built-in one's address)."""
    from stratus.api.volume import app as volume_app
    app = volume_app.VolumeApp(conf, databases, token_validator, image_api)
    app.authenticator = auth.InProcess(app.authenticator)
    app.compute_app = compute_app
    return app


class _MadeWhenUsed:
    """The client, made on its first use: a process that never touches a
    volume never builds the block storage app."""

    def __init__(self, make):
        self._make = make
        self._client = None
        self._lock = threading.Lock()

    def __getattr__(self, name):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._make()
        return getattr(self._client, name)


def volume_api(conf, databases, token_validator=None, compute_app=None,
               image_api=None):
    """The block storage service for a process that holds the API
    database (stratus.volume.cinder.CinderAPI): the catalog's or
    [cinder]'s endpoint when they name one, else the built-in app
    in-process on databases."""
    def make():
        from stratus.volume import cinder
        return cinder.CinderAPI.from_conf(
            conf, in_process_app=lambda: in_process_app(
                conf, databases, token_validator, compute_app, image_api))
    return _MadeWhenUsed(make)
