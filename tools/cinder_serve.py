"""Run a real Cinder (cinder-api, cinder-scheduler, cinder-volume) on
127.0.0.1 for the Cinder-client tests (tests/functional/volume/
test_real_cinder.py) or by hand. Run it with the Python of the Cinder
venv that tools/install-cinder.sh makes:

    /opt/stratus-cinder/bin/python tools/cinder_serve.py \\
        --state-dir DIR --database URL [--port PORT] [--transport-url URL]

It writes DIR/cinder.conf, migrates the (empty) database with
``cinder-manage db sync``, starts cinder-scheduler and cinder-volume
(their own processes, stopped with this one) and serves cinder-api's
WSGI app (cinder.wsgi.wsgi) with the standard library's threaded WSGI
server; it prints "listening PORT" once the API accepts requests and
the volume service has reported to the scheduler.

Tokens: as Stratus's noauth mode, ``user:project`` (``admin:...`` an
administrator, with a service token's roles too, as Nova's service user
sends one), turned by a small filter into the headers that
keystonemiddleware would pass on in place of its authtoken filter;
Cinder's keystonecontext and policies then apply as with Keystone, on
paths with the project id (any name: project_id_regex). A request
without a token is refused (401). One backend, ``fake``,
Cinder's FakeLoggingVolumeDriver (cinder.tests.fake_driver: an LVM
driver whose commands are only logged, so volumes, snapshots and
attachments go through Cinder's API, scheduler, volume manager and
database with no storage; its connection_info is an iSCSI one naming
nothing). RPC over the local RabbitMQ, in a virtual host of its own
(``cinder-<pid>``, made with rabbitmqctl and removed at the end) when
rabbitmqctl can, else on an exchange of its own.
"""
import argparse
import os
import signal
import subprocess
import sys
import time

import served_openstack  # beside this script: sys.path[0]

CINDER_CONF = """[DEFAULT]
auth_strategy = keystone
# project ids of any name (Stratus's noauth ones), not only hex ones
project_id_regex = [0-9a-zA-Z_.\\-]+
api_paste_config = {state_dir}/api-paste.ini
resource_query_filters_file = {filters}
transport_url = {transport_url}
control_exchange = {exchange}
enabled_backends = fake
default_volume_type = __DEFAULT__
host = {host}
state_path = {state_dir}
my_ip = 127.0.0.1
osapi_volume_workers = 1
report_interval = 2
periodic_interval = 2
scheduler_driver_init_wait_time = 1
log_file = {state_dir}/cinder.log
use_stderr = false
[database]
connection = {database}
[oslo_concurrency]
lock_path = {state_dir}/lock
[fake]
volume_driver = cinder.tests.fake_driver.FakeLoggingVolumeDriver
volume_backend_name = fake
volume_group = cinder-volumes
[coordination]
backend_url = file://{state_dir}/coordination
"""


class CinderTokens(served_openstack.StratusTokens):
    # Cinder lets a service delete an attachment without asking Nova
    # whether it is used.
    service_tokens = True


def token_filter_factory(global_conf, **local_conf):
    return CinderTokens


def _api_paste(state_dir):
    served_openstack.write_api_paste(
        os.path.join(sys.prefix, "etc", "cinder", "api-paste.ini"),
        state_dir, "cinder_serve:token_filter_factory")


def _bin(name):
    return os.path.join(os.path.dirname(sys.executable), name)


def _vhost(name, add):
    """A RabbitMQ virtual host of this server's (True when made)."""
    command = ["rabbitmqctl", "-q", "add_vhost" if add else "delete_vhost",
               name]
    try:
        if subprocess.run(command, capture_output=True,
                          timeout=60).returncode != 0:
            return False
        if add:
            subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p",
                            name, "guest", ".*", ".*", ".*"],
                           capture_output=True, timeout=60, check=True)
        return True
    except (OSError, subprocess.SubprocessError):
        return False


def configure(state_dir, database, transport_url, exchange):
    os.makedirs(os.path.join(state_dir, "lock"), exist_ok=True)
    os.makedirs(os.path.join(state_dir, "coordination"), exist_ok=True)
    _api_paste(state_dir)
    path = os.path.join(state_dir, "cinder.conf")
    with open(path, "w") as target:
        target.write(CINDER_CONF.format(
            state_dir=state_dir, database=database,
            filters=os.path.join(sys.prefix, "etc", "cinder",
                                 "resource_filters.json"),
            transport_url=transport_url, exchange=exchange,
            host="stratus-cinder-%d" % os.getpid()))
    subprocess.run([_bin("cinder-manage"), "--config-file", path, "db",
                    "sync"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return path


def _wait_for_backend(config, timeout=120):
    """Until cinder-volume's backend is up in the services table and the
    scheduler has its capabilities (a first report)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listing = subprocess.run(
            [_bin("cinder-manage"), "--config-file", config, "service",
             "list"], capture_output=True, text=True)
        rows = [line.split() for line in listing.stdout.splitlines()]
        if any(row[:1] == ["cinder-volume"] and ":-)" in row
               for row in rows) and any(
                row[:1] == ["cinder-scheduler"] and ":-)" in row
                for row in rows):
            # capabilities go out with the next report
            time.sleep(3)
            return True
        time.sleep(1)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--database", required=True,
                        help="SQLAlchemy URL of an empty database")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--transport-url",
                        default="rabbit://guest:guest@127.0.0.1:5672/")
    args = parser.parse_args()
    state_dir = os.path.abspath(args.state_dir)
    name = "cinder-%d" % os.getpid()
    transport_url = args.transport_url
    vhost = _vhost(name, True)
    if vhost:
        transport_url = transport_url.rstrip("/") + "/" + name
    config = configure(state_dir, args.database, transport_url,
                       "cinder_" + name.replace("-", "_"))
    log = open(os.path.join(state_dir, "services.log"), "a")
    children = [subprocess.Popen([_bin(binary), "--config-file", config],
                                 stdout=log, stderr=log)
                for binary in ("cinder-scheduler", "cinder-volume")]

    def stop(*_):
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
        if vhost:
            _vhost(name, False)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        sys.argv = [sys.argv[0], "--config-file", config]
        from cinder.wsgi import wsgi
        app = wsgi.initialize_application()
        server = served_openstack.make_server(app, args.port)
        if not _wait_for_backend(config):
            print("cinder-volume did not come up (see %s)" % state_dir,
                  flush=True)
            stop()
        print("listening %d" % server.server_port, flush=True)
        server.serve_forever()
    finally:
        stop()


if __name__ == "__main__":
    main()
