"""The OpenStack dashboard (Horizon) beside the all-in-one
(`stratus all-in-one --dashboard`, docs/dashboard.md).

Horizon lives in a venv of its own (tools/install-horizon.sh: it pins its
own Django and oslo.*), so it runs in a child process of that venv's
Python: this very file, run as a script, which is why it imports nothing
but the standard library at module level. Two commands:

    python stratus/dashboard.py settings DIR --identity-url URL ...
        write DIR/local/local_settings.py (Horizon's settings imports
        `local.local_settings` first on sys.path: DIR wins over the
        example in Horizon's own tree)
    python stratus/dashboard.py serve DIR --listen HOST --port N
        Horizon's WSGI application on waitress, its collected static
        files (STATIC_ROOT, compressed by the install step) beside it

The all-in-one's side is DashboardProcess: it writes the settings into
the data directory (the session files and the secret key stay there) and
starts and stops the child.
"""
import argparse
import mimetypes
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

DEFAULT_VENV = "/opt/stratus-horizon"
INSTALL_HINT = "bash tools/install-horizon.sh"
DEFAULT_PORT = 8080
# Horizon at the root of its own port; its static files under /static/.
WEBROOT = "/"
STATIC_URL = "/static/"

_SETTINGS = '''\
# Written by `stratus all-in-one --dashboard` at each start (stratus/
# dashboard.py): Horizon's settings for this all-in-one's endpoints. Edits
# here are lost; put lasting ones in local_settings_extra.py beside it.
import os

DEBUG = False
WEBROOT = {webroot!r}
STATIC_URL = {static_url!r}
STATIC_ROOT = {static_root!r}
COMPRESS_OFFLINE = True
COMPRESS_ENABLED = True
ALLOWED_HOSTS = {allowed_hosts!r}
with open({secret_key_path!r}) as _key:
    SECRET_KEY = _key.read().strip()

OPENSTACK_HOST = {host!r}
OPENSTACK_KEYSTONE_URL = {identity_url!r}
OPENSTACK_KEYSTONE_DEFAULT_DOMAIN = "Default"
OPENSTACK_KEYSTONE_DEFAULT_ROLE = "member"
OPENSTACK_API_VERSIONS = {{
    "identity": 3,
    "image": 2,
    "volume": 3,
    "compute": 2,
}}
OPENSTACK_ENDPOINT_TYPE = "publicURL"
# Horizon's defaults, written out: the built-in identity manages users,
# groups (their members and roles), projects and roles as Keystone's SQL
# backend does (docs/identity.md).
OPENSTACK_KEYSTONE_BACKEND = {{
    "name": "native",
    "can_edit_user": True,
    "can_edit_group": True,
    "can_edit_project": True,
    "can_edit_domain": True,
    "can_edit_role": True,
}}

# No memcached: sessions are files in the data directory, the cache is
# this process's memory (one process, threads).
SESSION_ENGINE = "django.contrib.sessions.backends.file"
SESSION_FILE_PATH = {session_dir!r}
CACHES = {{
    "default": {{
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    }},
}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_TIMEOUT = 3600
TIME_ZONE = "UTC"

# The instance's Console tab shows its serial console (Horizon's terminal
# over the all-in-one's serial console proxy): the guests Stratus boots
# write to ttyS0, and the fake driver's have only that. "VNC" (in
# local_settings_extra.py) shows noVNC there instead. The tab frames
# Horizon's own serial console page, which Django's default
# X-Frame-Options (DENY) would refuse to show; other sites still may not
# frame Horizon.
CONSOLE_TYPE = "SERIAL"
X_FRAME_OPTIONS = "SAMEORIGIN"

# The built-in network service has no routers' HA/DVR flags nor VPN.
OPENSTACK_NEUTRON_NETWORK = {{
    "enable_auto_allocated_network": False,
    "enable_distributed_router": False,
    "enable_fip_topology_check": True,
    "enable_ha_router": False,
    "enable_ipv6": True,
    "enable_quotas": True,
    "enable_rbac_policy": True,
    "enable_router": True,
    "default_dns_nameservers": [],
    "supported_provider_types": ["*"],
    "segmentation_id_range": {{}},
    "extra_provider_types": {{}},
    "supported_vnic_types": ["*"],
    "physical_networks": [],
}}

# Panels for what the all-in-one does not have are hidden, so that no
# panel is shown that cannot work: the built-in block storage service has
# no backups, generic volume groups nor group types/snapshots, and the
# built-in identity keeps no user credentials (EC2/TOTP blobs). The
# rules of POLICY_OVERRIDES below, in files of POLICY_DIRS, refuse the
# calls those panels are gated on (docs/dashboard.md).
OPENSTACK_CINDER_FEATURES = {{"enable_backup": False}}
POLICY_DIRS = {policy_dirs!r}

LOGGING = {{
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {{"console": {{"class": "logging.StreamHandler"}}}},
    "root": {{"handlers": ["console"], "level": "WARNING"}},
}}

_EXTRA = os.path.join(os.path.dirname(__file__), "local_settings_extra.py")
if os.path.exists(_EXTRA):
    with open(_EXTRA) as _extra:
        exec(_extra.read())
'''


# Horizon's policy rules that the all-in-one answers "no" to, per
# service: the panels they gate are hidden (Horizon checks them before
# showing a panel or an action).
POLICY_OVERRIDES = {
    "volume": ("group:get_all", "group:get_all_group_snapshots",
               "group:group_types_manage", "group:create",
               "backup:get_all", "backup:create"),
    "identity": ("identity:list_credentials", "identity:create_credential"),
}


def _write_policy_overrides(settings_dir):
    """DIR/policy/SERVICE/stratus.yaml for each service of
    POLICY_OVERRIDES; the POLICY_DIRS setting that names them."""
    dirs = {}
    for service, rules in POLICY_OVERRIDES.items():
        directory = os.path.join(settings_dir, "policy", service)
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "stratus.yaml"), "w") as out:
            out.write("# Written by stratus all-in-one --dashboard: what "
                      "the all-in-one does not have.\n")
            for rule in rules:
                out.write('"%s": "!"\n' % rule)
        dirs[service] = [os.path.abspath(directory)]
    return dirs


def write_settings(settings_dir, identity_url, static_root, host="127.0.0.1",
                   allowed_hosts=None):
    """DIR/local/local_settings.py for Horizon against identity_url; the
    secret key (made once) and the session files live in settings_dir."""
    local = os.path.join(settings_dir, "local")
    sessions = os.path.join(settings_dir, "sessions")
    for path in (local, sessions):
        os.makedirs(path, mode=0o700, exist_ok=True)
    key_path = os.path.join(settings_dir, "secret_key")
    if not os.path.exists(key_path):
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as key:
            key.write(secrets.token_urlsafe(48) + "\n")
    hosts = ["127.0.0.1", "localhost", "[::1]", "::1"]
    if any(host in ("0.0.0.0", "::") for host in allowed_hosts or ()):
        # Listening on every address: reached by whatever name the
        # machine has.
        hosts = ["*"]
    for extra in allowed_hosts or ():
        if extra not in hosts:
            hosts.append(extra)
    with open(os.path.join(local, "__init__.py"), "w"):
        pass
    path = os.path.join(local, "local_settings.py")
    with open(path, "w") as out:
        out.write(_SETTINGS.format(
            webroot=WEBROOT, static_url=STATIC_URL,
            static_root=os.path.abspath(static_root),
            allowed_hosts=hosts, secret_key_path=os.path.abspath(key_path),
            host=host, identity_url=identity_url,
            session_dir=os.path.abspath(sessions),
            policy_dirs=_write_policy_overrides(settings_dir)))
    return path


# --- the Stratus side -------------------------------------------------

def venv_dir():
    return os.environ.get("STRATUS_HORIZON_VENV") or DEFAULT_VENV


def missing_reason(venv=None):
    """Why the dashboard cannot run (None when it can)."""
    venv = venv or venv_dir()
    python = os.path.join(venv, "bin", "python")
    if not os.access(python, os.X_OK):
        return ("Horizon is not installed (no %s): run %s"
                % (python, INSTALL_HINT))
    if not os.path.isdir(os.path.join(venv, "static", "dashboard")):
        return ("Horizon's static files are not collected in %s/static: "
                "run %s" % (venv, INSTALL_HINT))
    return None


class DashboardError(Exception):
    pass


class DashboardProcess:
    """Horizon in a child process of its venv, serving on listen:port and
    speaking to the identity at identity_url."""

    def __init__(self, data_dir, identity_url, listen="127.0.0.1",
                 port=DEFAULT_PORT, venv=None):
        self.venv = venv or venv_dir()
        self.settings_dir = os.path.join(data_dir, "dashboard")
        self.identity_url = identity_url
        self.listen = listen
        self.port = port
        self.process = None
        self.log_path = os.path.join(self.settings_dir, "dashboard.log")

    @property
    def url(self):
        host = "[%s]" % self.listen if ":" in self.listen else self.listen
        if self.listen in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        return "http://%s:%d%s" % (host, self.port, WEBROOT)

    def start(self, timeout=120):
        reason = missing_reason(self.venv)
        if reason:
            raise DashboardError(reason)
        # Taken, another server would seem to answer for the dashboard.
        try:
            _probe(self.listen, self.port)
        except OSError as error:
            raise DashboardError("cannot listen on %s:%d (%s): choose "
                                 "another --dashboard-port"
                                 % (self.listen, self.port, error)) from error
        write_settings(self.settings_dir, self.identity_url,
                       os.path.join(self.venv, "static"),
                       host=_host_of(self.identity_url),
                       allowed_hosts=[self.listen])
        log = open(self.log_path, "ab")
        try:
            self.process = subprocess.Popen(
                # -W: no deprecation notices of Horizon's libraries in its log
                [os.path.join(self.venv, "bin", "python"), "-I", "-W", "ignore",
                 os.path.abspath(__file__), "serve", self.settings_dir,
                 "--listen", self.listen, "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=_child_env())
        finally:
            log.close()
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        login = self.url + "auth/login/"
        # Straight to loopback, whatever proxy the environment names.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DashboardError(
                    "the dashboard exited (status %s); its log: %s\n%s"
                    % (self.process.returncode, self.log_path,
                       _tail(self.log_path)))
            try:
                with opener.open(login, timeout=30) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise DashboardError("the dashboard did not answer %s within %d s; "
                             "its log: %s" % (login, timeout, self.log_path))

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def start_for(cloud, args):
    """The dashboard of a started all-in-one (stratus.cmd.all_in_one.Cloud)
    on args.dashboard_listen:args.dashboard_port (0: any free port)."""
    port = args.dashboard_port
    if port is None:
        port = DEFAULT_PORT
    if port == 0:
        port = _free_port(args.dashboard_listen)
    return DashboardProcess(
        cloud.data_dir, cloud.endpoint("identity") + "/v3",
        listen=args.dashboard_listen, port=port).start()


def _probe(host, port):
    """Bind host:port and let it go: the port it got (OSError: taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.bind((host, port))
        return probe.getsockname()[1]


def _free_port(host):
    return _probe(host, 0)


def _host_of(url):
    return url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]


def _child_env():
    """The child's environment: none of Stratus's venv's Python paths
    (-I, which the child runs with, ignores PYTHON* variables anyway)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV",
                          "DJANGO_SETTINGS_MODULE")}
    return env


def _tail(path, size=3000):
    try:
        with open(path, "rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - size))
            return log.read().decode("utf-8", "replace")
    except OSError:
        return ""


# --- the Horizon side (run in Horizon's venv) ---------------------------

def _static_app(app, root, prefix=STATIC_URL):
    """app, with GET/HEAD under prefix answered from root's files."""
    root = os.path.realpath(root)

    def serve(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(prefix):
            return app(environ, start_response)
        target = os.path.realpath(os.path.join(root, path[len(prefix):]))
        if (not target.startswith(root + os.sep)
                or not os.path.isfile(target)
                or environ["REQUEST_METHOD"] not in ("GET", "HEAD")):
            start_response("404 Not Found",
                           [("Content-Type", "text/plain")])
            return [b"Not Found"]
        kind = mimetypes.guess_type(target)[0] or "application/octet-stream"
        with open(target, "rb") as static:
            body = static.read()
        start_response("200 OK", [
            ("Content-Type", kind), ("Content-Length", str(len(body))),
            ("Cache-Control", "public, max-age=86400")])
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]
    return serve


def _access_log(app):
    """app, logging each request but static files' with its status (its
    query too: Horizon's REST calls say there what they ask for)."""
    def logged(environ, start_response):
        def start(status, headers, exc_info=None):
            path = environ.get("PATH_INFO", "")
            if not path.startswith(STATIC_URL):
                query = environ.get("QUERY_STRING")
                print("%s %s %s" % (environ["REQUEST_METHOD"],
                                    path + ("?" + query if query else ""),
                                    status.split(" ", 1)[0]), flush=True)
            return start_response(status, headers, exc_info)
        return app(environ, start)
    return logged


def _exit_with_parent():
    """End this process when the all-in-one that started it is gone
    (even SIGKILLed): never a dashboard left holding its port."""
    import threading
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)
    threading.Thread(target=watch, daemon=True, name="parent").start()


def _serve(args):
    sys.path.insert(0, os.path.abspath(args.settings_dir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "openstack_dashboard.settings"
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    import waitress
    application = get_wsgi_application()
    application = _access_log(_static_app(application, settings.STATIC_ROOT))
    _exit_with_parent()
    print("Horizon on http://%s:%d%s" % (args.listen, args.port, WEBROOT),
          flush=True)
    waitress.serve(application, host=args.listen, port=args.port,
                   threads=args.threads, ident="stratus-dashboard",
                   _quiet=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="dashboard.py")
    sub = parser.add_subparsers(dest="command", required=True)
    settings = sub.add_parser("settings")
    settings.add_argument("settings_dir")
    settings.add_argument("--identity-url", required=True)
    settings.add_argument("--static-root", required=True)
    serve = sub.add_parser("serve")
    serve.add_argument("settings_dir")
    serve.add_argument("--listen", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    if args.command == "settings":
        print(write_settings(args.settings_dir, args.identity_url,
                             args.static_root,
                             host=_host_of(args.identity_url)))
        return 0
    _serve(args)
    return 0


if __name__ == "__main__":
    # Run as a script by Horizon's Python: never import stratus/'s own
    # modules (log, context, ...) as top-level ones.
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [entry for entry in sys.path
                   if os.path.abspath(entry or ".") != _here]
    sys.exit(main())
