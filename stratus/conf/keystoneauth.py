"""keystoneauth's adapter, auth and session options for a group of a
service Stratus calls (Nova's [neutron], [cinder] ...): the service user
Stratus calls it as when a request carries no user token, and where it
finds the service."""


def client_opts(adapter_defaults):
    """The options, with Nova's defaults for where the service is found
    (service_type, valid_interfaces ...)."""
    from keystoneauth1 import loading as ks_loading
    opts = (ks_loading.get_adapter_conf_options(include_deprecated=False)
            + ks_loading.get_auth_common_conf_options()
            + ks_loading.get_session_conf_options())
    for opt in opts:
        if opt.dest in adapter_defaults:
            opt.default = adapter_defaults[opt.dest]
    return opts
