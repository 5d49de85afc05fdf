"""The network seam of the compute service.

``load_network_api(conf, host)`` gives the provider that allocates a new
guest's ports and frees them when the guest goes: the built-in one
(``stratus.network.builtin``, a host-local bridge with dnsmasq) or None,
when the virt driver simulates networking (the fake driver). A Neutron
client would be a third provider with the same two methods:

- ``allocate_for_instance(instance) -> network_info`` (Nova's list of VIF
  dicts, saved as the instance's info cache and shown as its addresses);
- ``deallocate_for_instance(instance)``, harmless when it has no ports;
- ``setup()``, called when the compute service starts, and
  ``deallocate_others(instance_uuids)``, which frees the ports of
  instances that went while it was down.
"""


def provider_name(conf):
    provider = conf.network.provider
    if provider == "auto":
        return "builtin" if conf.compute_driver == "libvirt" else "simulated"
    return provider


def load_network_api(conf, host):
    if provider_name(conf) == "builtin":
        from stratus.network import builtin
        return builtin.BuiltinNetwork(conf, host)
    return None
