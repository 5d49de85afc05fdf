"""GET /servers/{id}/diagnostics (admin): a running server's figures,
measured on its host. Before 2.48 the free-form shape of Nova's libvirt
driver (cpu0_time, memory, vda_read, <nic>_rx, ...); from 2.48 Nova's
standard shape (state, driver, hypervisor, uptime, cpu/nic/disk/memory
details). Both are derived from the one result of the host's driver
(stratus/virt/diagnostics.py). 409 unless the guest runs (or when the
server has no host yet), 501 when its driver has no diagnostics."""
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api import wsgi
from stratus.policies import server_diagnostics as policies

STANDARD_VERSION = (2, 48)


def show_diagnostics(req, server_id):
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.DIAGNOSTICS, instance)
    try:
        found = req.app.compute_api.get_instance_diagnostics(
            req.context, instance)
    except NotImplementedError:
        raise errors.HTTPError(
            501, "The requested functionality is not supported.")
    if req.api_version >= STANDARD_VERSION:
        return wsgi.json_response(req, standard_view(found))
    return wsgi.json_response(req, legacy_view(found))


def standard_view(diagnostics):
    """The 2.48 shape: the figures without the device names."""
    shown = dict(diagnostics)
    for key in ("nic_details", "disk_details"):
        shown[key] = [{name: value for name, value in entry.items()
                       if name != "name"} for entry in diagnostics[key]]
    return shown


def legacy_view(diagnostics):
    """The 2.1 shape, free-form in Nova (each driver its own keys); here
    the keys of Nova's libvirt driver: cpu<N>_time (ns), memory (KiB),
    <disk>_read, _read_req, _write, _write_req, _errors and <nic>_rx,
    _rx_drop, _rx_errors, _rx_packets and the same for _tx."""
    shown = {"cpu%d_time" % entry["id"]: entry["time"]
             for entry in diagnostics["cpu_details"]}
    shown["memory"] = diagnostics["memory_details"]["maximum"] * 1024
    for entry in diagnostics["disk_details"]:
        name = entry["name"]
        shown.update({
            name + "_read": entry["read_bytes"],
            name + "_read_req": entry["read_requests"],
            name + "_write": entry["write_bytes"],
            name + "_write_req": entry["write_requests"],
            name + "_errors": entry["errors_count"]})
    for entry in diagnostics["nic_details"]:
        for direction in ("rx", "tx"):
            prefix = "%s_%s" % (entry["name"], direction)
            shown.update({
                prefix: entry[direction + "_octets"],
                prefix + "_drop": entry[direction + "_drop"],
                prefix + "_errors": entry[direction + "_errors"],
                prefix + "_packets": entry[direction + "_packets"]})
    return shown
