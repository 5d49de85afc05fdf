"""The built-in block storage service's WSGI application: the Cinder v3
API for what Nova and the clients use (see docs/volumes.md)."""
import functools
import re

from stratus.api import auth
from stratus.api import errors
from stratus.api import wsgi
from stratus.api.volume import routes
from stratus.api.volume import versions
from stratus import policy
from stratus.policies import volume_service
from stratus.volume.store import attachments
from stratus.volume.store import quotas
from stratus.volume.store import snapshots
from stratus.volume.store import types
from stratus.volume.store import volumes

# /v3/<project id>/<collection>...: the project id is optional (3.67).
_PROJECT_PREFIX = re.compile(r"^/v3/(?P<project>[^/]+)(?P<rest>/.*)?$")


class VolumeApp(wsgi.Application):
    """Handlers find ``conf``, ``policy`` (Cinder's rules), the stores
    (``volumes``, ``snapshots``, ``attachments``, ``types``, ``quotas``)
    and ``worker`` (the volume files' work) on ``req.app``."""

    def __init__(self, conf, databases, token_validator=None,
                 image_api=None):
        self.conf = conf
        self.databases = databases
        self.authenticator = auth.make_authenticator(conf, token_validator,
                                                     databases)
        self.policy = policy.Policy(conf, rules=volume_service.list_rules())
        self.quotas = quotas.QuotaStore(conf, databases)
        self.volumes = volumes.VolumeStore(conf, databases, self.quotas)
        self.snapshots = snapshots.SnapshotStore(databases, self.quotas)
        self.attachments = attachments.AttachmentStore(databases)
        self.types = types.TypeStore(databases)
        self._image_api = image_api
        self.router = wsgi.Router(wsgi.resolve_routes(
            routes.ROUTES, "stratus.api.volume"))

    @functools.cached_property
    def image_api(self):
        """The image service volumes are made from (given, else
        [glance]'s or the built-in image service's address)."""
        if self._image_api is not None:
            return self._image_api
        from stratus.image import client as image_client
        return image_client.ImageAPI.from_conf(self.conf)

    # The compute app of this process (a callable that returns it), set
    # by the all-in-one; None: the compute API is reached over HTTP.
    compute_app = None

    @functools.cached_property
    def compute_notifier(self):
        """Sends the compute API the external events Cinder sends Nova
        (volume-extended, volume-reimaged)."""
        from stratus.network import compute_notifier
        return compute_notifier.ComputeNotifier.from_conf(
            self.conf, in_process_app=self.compute_app)

    @functools.cached_property
    def worker(self):
        from stratus.volume import worker
        return worker.VolumeWorker(self)

    _bootstrapped = False

    def bootstrap(self):
        """The default volume type and the multiattach one (made once,
        by whichever app of the service is first)."""
        self.types.ensure(self.conf.cinder.default_volume_type,
                          description="Default Volume Type")
        self.types.ensure("multiattach",
                          {"multiattach": types.MULTIATTACH_SPEC},
                          description="Volumes that attach to several "
                                      "servers at once")
        self._bootstrapped = True

    def default_type(self):
        return self.types.find(self.conf.cinder.default_volume_type)

    def start(self):
        """Service start: the types made, and the volumes and snapshots
        a stopped service left in a transitional state finished or put
        in error (nothing stays stuck)."""
        self.bootstrap()
        return self.worker.recover()

    def stop(self):
        """Service stop: the file work in flight finished (a job cut off
        is finished or failed by the next start)."""
        worker = self.__dict__.get("worker")
        if worker is not None:
            worker.pool.shutdown(wait=True)

    def handle(self, req):
        found = _PROJECT_PREFIX.match(req.path_info)
        req.environ["stratus.volume.project"] = None
        if (found and found.group("project") not in routes.TOP_LEVEL
                and found.group("rest")):
            req.environ["stratus.volume.project"] = found.group("project")
            req.path_info = "/v3" + found.group("rest")
        return super().handle(req)

    def prepare(self, req, template):
        req.api_version = versions.negotiate(req, template)
        if template in routes.PUBLIC:
            return
        req.context = self.authenticator.authenticate(req, self.databases)
        if not self._bootstrapped:
            self.bootstrap()
        url_project = req.environ.get("stratus.volume.project")
        if url_project is not None and url_project != req.context.project_id:
            raise errors.bad_request("Malformed request url")

    def finish(self, req, response):
        response.headers["x-openstack-request-id"] = req.environ.get(
            "openstack.request_id")
        versions.headers(req, response)


def make_app(conf, databases, token_validator=None, image_api=None):
    """The app to serve over HTTP (behind keystonemiddleware in keystone
    mode)."""
    return auth.wrap_with_keystone(
        conf, VolumeApp(conf, databases, token_validator, image_api),
        public_paths=routes.PUBLIC)
