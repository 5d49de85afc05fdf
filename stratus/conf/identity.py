from oslo_config import cfg

IDENTITY_OPTS = [
    cfg.StrOpt("listen", default="127.0.0.1",
               help="Address the built-in Identity v3 service listens on."),
    cfg.PortOpt("port", default=5000, help="Port of the Identity service."),
    cfg.IntOpt("token_expiration", default=3600 * 12, min=60,
               help="Seconds a token issued by the built-in service lives."),
    cfg.StrOpt("admin_password", default="admin", secret=True,
               help="Password of the 'admin' user created at bootstrap."),
    cfg.StrOpt("demo_password", default="demo", secret=True,
               help="Password of the 'demo' user created at bootstrap."),
    cfg.StrOpt("region_name", default="RegionOne",
               help="Region of the endpoints in the service catalog."),
    cfg.StrOpt("public_host", default="127.0.0.1",
               help="Host name put into catalog endpoint URLs."),
]


def register_opts(conf):
    conf.register_opts(IDENTITY_OPTS, group="identity")


def list_opts():
    return [("identity", IDENTITY_OPTS)]
