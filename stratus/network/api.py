"""The network seam of the compute service.

``load_network_api(conf, host, neutron)`` gives the provider that
allocates a new guest's ports and frees them when the guest goes:

- ``neutron``: the network service's ports (a real Neutron or Stratus's
  built-in one, through the REST client ``neutron``):
  stratus.network.server_ports, whose ports follow the server from host
  to host (``ports_follow_server``);
- ``builtin``: a host-local bridge with dnsmasq (stratus.network.builtin);
- None, when the virt driver simulates networking (the fake driver).

Every provider has:

- ``allocate_for_instance(ctx, instance, requested_networks=None,
  security_groups=None) -> network_info`` (Nova's list of VIF dicts,
  saved as the instance's info cache and shown as its addresses);
- ``allocate_port(ctx, instance, network_id)`` and
  ``deallocate_port(ctx, instance, vif)`` (interface attach and detach);
- ``deallocate_for_instance(ctx, instance, network_info)``, harmless when
  it has no ports;
- ``setup()``, called when the compute service starts, and
  ``deallocate_others(instance_uuids)``, which frees the ports of
  instances that went while it was down.

The neutron provider has ``bind_ports(ctx, instance, host)`` and
``network_info(ctx, instance, preserved)`` besides, for moves.
"""


def provider_name(conf):
    """auto: neutron. Every cloud has a network service, the built-in one
    unless [neutron] names another; with the libvirt driver its dataplane
    carries the guests' traffic (stratus/network/dataplane/)."""
    provider = conf.network.provider
    return "neutron" if provider == "auto" else provider


def load_network_api(conf, host, neutron=None):
    """neutron: the REST client of the network service (made from the
    configuration when None)."""
    if provider_name(conf) == "neutron":
        from stratus.network import server_ports
        if neutron is None:
            from stratus.network import neutron as neutron_client
            neutron = neutron_client.NeutronAPI.from_conf(conf)
        return server_ports.ServerPorts(conf, host, neutron)
    if provider_name(conf) == "builtin":
        from stratus.network import builtin
        return builtin.BuiltinNetwork(conf, host)
    return None
