"""The built-in network service's dataplane: what it makes real on this
host (agent.py runs it; docs/networking.md, "The dataplane")."""


def enabled(conf):
    """Whether the dataplane runs: [dataplane] enabled, unset meaning on
    when the compute driver is libvirt and [network] provider neutron."""
    if conf.dataplane.enabled is not None:
        return conf.dataplane.enabled
    from stratus.network import api as network_api
    return (conf.compute_driver == "libvirt"
            and network_api.provider_name(conf) == "neutron")


def port_bridge(conf, network_id):
    """The bridge a port of network_id is bound to: its network's own with
    the dataplane, else the one [network] bridge."""
    if network_id and enabled(conf):
        from stratus.network.dataplane import state
        return state.bridge_name(network_id)
    return conf.network.bridge
