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
               help="Base URL of the image service Stratus uses; empty "
                    "means the built-in one."),
]


def register_opts(conf):
    conf.register_opts(IMAGE_OPTS, group="glance")


def list_opts():
    return [("glance", IMAGE_OPTS)]
