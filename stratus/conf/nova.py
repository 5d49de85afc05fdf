"""[nova]: how the built-in network service reaches the compute API to
tell it of its ports' events (Neutron's [nova] section: keystoneauth's
adapter, auth and session options: endpoint_override, region_name,
auth_type, auth_url, username ...)."""


def _opts():
    from keystoneauth1 import loading as ks_loading
    return (ks_loading.get_adapter_conf_options(include_deprecated=False)
            + ks_loading.get_auth_common_conf_options()
            + ks_loading.get_session_conf_options())


def register_opts(conf):
    conf.register_opts(_opts(), group="nova")
    conf.set_default("service_type", "compute", group="nova")
    conf.set_default("valid_interfaces", ["internal", "public"],
                     group="nova")


def list_opts():
    return [("nova", _opts())]
