"""Run a real Neutron API (ML2) on 127.0.0.1 for the Neutron-client tests
(tests/functional/network/test_real_neutron.py) or by hand. Run it with
the Python of the Neutron venv that tools/install-neutron.sh makes:

    /opt/stratus-neutron/bin/python tools/neutron_serve.py \\
        --state-dir DIR --database URL [--port PORT]

It writes DIR/neutron.conf, DIR/ml2_conf.ini and DIR/api-paste.ini,
migrates the (empty) database with neutron-db-manage, and serves
neutron.wsgi.api (Neutron 29 has no eventlet neutron-server script any
more) with the standard library's threaded WSGI server; it prints
"listening PORT" once it accepts requests.

What runs: the ML2 core plugin (flat and local networks, local for
projects), the router service plugin (floating IPs), security groups
without a firewall, and one mechanism driver, ``stratus_bind_hosts``
(BindHostsMechanismDriver below). The drivers of the package bind a
port only where their agent reports (openvswitch, ovn, macvtap, sriov),
and its one agentless driver, ``test`` (of its unit tests), binds the
hosts host-bridge-filter and host-ovs-no_filter only when a port is
created bound: a binding set by an update, as Nova's compute does,
fails its own check (``assert context.original is None``) and the port
is binding_failed. BindHostsMechanismDriver stands for an L2 agent's
driver: it binds the hosts host-bridge-filter (vif_type bridge, as an
agent of the Linux bridge would) and host-ovs-no_filter (vif_type ovs);
other hosts stay binding_failed. No agent runs, so a port never becomes
ACTIVE and Neutron sends no network-vif-plugged (its Nova notifier is
off).

Tokens: as Stratus's noauth mode, ``user:project`` (``admin:...`` an
administrator, with the service role too as Nova's service user), turned by a small filter into the headers that
keystonemiddleware would pass on (X-User-Id, X-Project-Id, X-Roles) in
place of its authtoken filter; Neutron's own keystonecontext and policies
then apply as with Keystone. A request without a token is refused (401).
"""
import argparse
import os
import subprocess
import sys

import served_openstack  # beside this script: sys.path[0]

NEUTRON_CONF = """[DEFAULT]
core_plugin = ml2
service_plugins = router
auth_strategy = keystone
api_paste_config = {state_dir}/api-paste.ini
transport_url = fake:/
allow_overlapping_ips = true
host = stratus-neutron
api_workers = 0
rpc_workers = 0
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
log_file = {state_dir}/neutron.log
use_stderr = false
[database]
connection = {database}
[oslo_concurrency]
lock_path = {state_dir}/lock
"""

ML2_CONF = """[ml2]
type_drivers = flat,local
tenant_network_types = local
mechanism_drivers = stratus_bind_hosts
extension_drivers = port_security
[ml2_type_flat]
flat_networks = *
[securitygroup]
enable_security_group = true
firewall_driver = noop
"""


class NeutronTokens(served_openstack.StratusTokens):
    # An administrator has the service role too, as Nova's [neutron]
    # service user (Neutron's binding-extended calls are the service
    # role's only).
    admin_roles = "admin,member,reader,service"


def _mechanism_driver():
    from neutron_lib.plugins.ml2 import api

    class BindHostsMechanismDriver(api.MechanismDriver):
        """Binds the two test hosts, whatever the port's history."""

        VIF_TYPES = {"host-bridge-filter": ("bridge", {"port_filter": True}),
                     "host-ovs-no_filter": ("ovs", {"port_filter": False})}

        def initialize(self):
            pass

        def bind_port(self, context):
            found = self.VIF_TYPES.get(context.host)
            if found is None:
                return
            for segment in context.segments_to_bind:
                context.set_binding(segment[api.ID], found[0],
                                    dict(found[1]))
                return

    return BindHostsMechanismDriver


def __getattr__(name):
    # neutron_serve:BindHostsMechanismDriver, imported once Neutron is.
    if name == "BindHostsMechanismDriver":
        return _mechanism_driver()
    raise AttributeError(name)


def _entry_point(state_dir):
    """BindHostsMechanismDriver as ML2 finds drivers: an entry point (of
    a distribution that is only its metadata, in state_dir)."""
    info = os.path.join(state_dir, "stratus_neutron_serve-1.0.dist-info")
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w") as target:
        target.write("Metadata-Version: 2.1\nName: stratus-neutron-serve\n"
                     "Version: 1.0\n")
    with open(os.path.join(info, "entry_points.txt"), "w") as target:
        target.write("[neutron.ml2.mechanism_drivers]\nstratus_bind_hosts "
                     "= neutron_serve:BindHostsMechanismDriver\n")


def token_filter_factory(global_conf, **local_conf):
    return NeutronTokens


def _api_paste(state_dir):
    """Neutron's api-paste.ini with StratusTokens for authtoken."""
    import neutron
    shipped = os.path.join(sys.prefix, "etc", "neutron", "api-paste.ini")
    if not os.path.exists(shipped):
        shipped = os.path.join(os.path.dirname(neutron.__file__), "..", "..",
                               "..", "..", "etc", "neutron", "api-paste.ini")
    served_openstack.write_api_paste(
        shipped, state_dir, "neutron_serve:token_filter_factory")


def configure(state_dir, database):
    os.makedirs(os.path.join(state_dir, "lock"), exist_ok=True)
    for name, text in (("neutron.conf", NEUTRON_CONF),
                       ("ml2_conf.ini", ML2_CONF)):
        with open(os.path.join(state_dir, name), "w") as target:
            target.write(text.format(state_dir=state_dir, database=database))
    _api_paste(state_dir)
    subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "neutron-db-manage"),
         "--config-file", os.path.join(state_dir, "neutron.conf"),
         "--config-file", os.path.join(state_dir, "ml2_conf.ini"),
         "upgrade", "heads"], check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--database", required=True,
                        help="SQLAlchemy URL of an empty database")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    state_dir = os.path.abspath(args.state_dir)
    configure(state_dir, args.database)
    _entry_point(state_dir)
    # paste and ML2 find NeutronTokens and the driver here.
    sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), state_dir]
    os.environ["OS_NEUTRON_CONFIG_DIR"] = state_dir
    os.environ["OS_NEUTRON_CONFIG_FILES"] = "neutron.conf;ml2_conf.ini"
    sys.argv = sys.argv[:1]
    from neutron.wsgi import api
    server = served_openstack.make_server(api.application, args.port)
    print("listening %d" % server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
