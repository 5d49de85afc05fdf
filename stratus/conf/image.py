from oslo_config import cfg

IMAGE_OPTS = [
    cfg.StrOpt("listen", default="127.0.0.1",
               help="Address the built-in Image (Glance v2) service listens "
                    "on."),
    cfg.PortOpt("port", default=9292, help="Port of the Image service."),
    cfg.StrOpt("store_dir", default="",
               help="Directory holding image data; empty means "
                    "<state_path>/images."),
    cfg.StrOpt("api_servers",
               help="Base URL of the image service Stratus uses. Empty: in "
                    "keystone mode the image endpoint of the caller's "
                    "service catalog when it names one, else the built-in "
                    "image service."),
    cfg.ListOpt("valid_interfaces", default=["internal", "public"],
                help="Catalog interfaces to take the image endpoint from, "
                     "in order of preference (keystone mode without "
                     "api_servers)."),
    cfg.StrOpt("region_name",
               help="Region of the image endpoint in the catalog; any "
                    "region when unset."),
    # Nova's options for trusted image certificates (2.63).
    cfg.BoolOpt("verify_glance_signatures", default=False,
                help="Verify the signatures of images before booting them."),
    cfg.BoolOpt("enable_certificate_validation", default=False,
                help="Validate the certificates that signed images; with "
                     "verify_glance_signatures, servers created without "
                     "trusted_image_certificates get "
                     "default_trusted_certificate_ids."),
    cfg.ListOpt("default_trusted_certificate_ids", default=[],
                help="Certificate ids a server trusts when its create "
                     "request names none (see "
                     "enable_certificate_validation)."),
]


def _service_user_opts():
    """keystoneauth's auth_type/auth_section and session options: the
    service user Stratus's computes use towards [glance] api_servers when a
    request carries no user token (the plugin's own options, auth_url,
    username ..., are registered when it is loaded)."""
    from keystoneauth1 import loading as ks_loading
    return (ks_loading.get_auth_common_conf_options()
            + ks_loading.get_session_conf_options())


def register_opts(conf):
    conf.register_opts(IMAGE_OPTS + _service_user_opts(), group="glance")


def list_opts():
    return [("glance", IMAGE_OPTS + _service_user_opts())]
