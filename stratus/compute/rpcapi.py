"""Client side of the compute RPC API: what the control plane asks of one
compute host, on topic ``compute`` addressed to the host (the queue
``compute.<host>``).

Versions (bump the minor version for every change, add a line here):

* 1.0 - build_and_run_instance, terminate_instance, get_host_uptime
* 1.1 - get_serial_console, get_vnc_console, attach_interface,
  detach_interface

``[upgrade_levels] compute`` caps the version this client sends, so a
newer control plane keeps talking to computes that are not upgraded yet.
"""
import oslo_messaging

from stratus import exception

VERSION = "1.1"
TOPIC = "compute"


class ComputeServiceUnavailable(exception.StratusException):
    msg_fmt = "Compute service of %(host)s is unavailable at this time."
    code = 400


class ComputeAPI:
    def __init__(self, messaging):
        self.client = messaging.client(
            TOPIC, VERSION, version_cap=messaging.conf.upgrade_levels.compute)

    def _client(self, host, version):
        return self.client.prepare(server=host, version=version)

    def build_and_run_instance(self, ctx, host, instance, request_spec,
                               selection, alternates, admin_password,
                               injected_files):
        self._client(host, "1.0").cast(
            ctx, "build_and_run_instance", instance=instance,
            request_spec=request_spec, selection=selection,
            alternates=alternates, admin_password=admin_password,
            injected_files=injected_files)

    def terminate_instance(self, ctx, instance):
        self._client(instance.host, "1.0").cast(
            ctx, "terminate_instance", instance=instance)

    def get_host_uptime(self, ctx, host):
        """The `uptime` line of the host; ComputeServiceUnavailable when
        the compute service does not answer."""
        try:
            return self._client(host, "1.0").call(ctx, "get_host_uptime")
        except oslo_messaging.MessagingTimeout:
            raise ComputeServiceUnavailable(host=host)

    def get_serial_console(self, ctx, instance):
        """The ConsoleConnection of the guest's serial console."""
        return self._console(ctx, instance, "get_serial_console")

    def get_vnc_console(self, ctx, instance):
        """The ConsoleConnection of the guest's VNC server."""
        return self._console(ctx, instance, "get_vnc_console")

    def _console(self, ctx, instance, method):
        try:
            return self._client(instance.host, "1.1").call(
                ctx, method, instance=instance)
        except oslo_messaging.MessagingTimeout:
            raise ComputeServiceUnavailable(host=instance.host)

    def attach_interface(self, ctx, instance, network_id=None):
        """Plug a new port on network_id (None: the host's network) into
        the guest; the new VIF (network_info entry)."""
        return self._client(instance.host, "1.1").call(
            ctx, "attach_interface", instance=instance,
            network_id=network_id)

    def detach_interface(self, ctx, instance, port_id):
        self._client(instance.host, "1.1").call(
            ctx, "detach_interface", instance=instance, port_id=port_id)
