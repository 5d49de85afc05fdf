"""Remote consoles: [consoleauth], [serial_console], [vnc], [console]
and [DEFAULT] web.

Option names are Nova's; every listener defaults to loopback."""
from oslo_config import cfg

CONSOLEAUTH_OPTS = [
    cfg.IntOpt("token_ttl", default=600, min=1,
               help="Seconds a console token stays valid (it is also "
                    "spent by its first use)."),
]

SERIAL_CONSOLE_OPTS = [
    cfg.BoolOpt("enabled", default=True,
                help="Give guests a serial console reachable through the "
                     "serial console proxy."),
    cfg.StrOpt("port_range", default="10000:20000",
               help="Host TCP ports (min:max) for guests' serial "
                    "consoles, bound on proxyclient_address."),
    cfg.StrOpt("base_url", sample_default="ws://127.0.0.1:6083/",
               help="URL of the serial console proxy given to users. "
                    "Unset: the proxy's own address, "
                    "ws[s]://serialproxy_host:serialproxy_port/ (the "
                    "port the OS chose when serialproxy_port is 0; my_ip "
                    "when the proxy listens on every address)."),
    cfg.StrOpt("proxyclient_address", default="127.0.0.1",
               help="Address the guests' serial consoles listen on."),
    cfg.StrOpt("serialproxy_host", default="127.0.0.1",
               help="Address the serial console proxy listens on."),
    cfg.PortOpt("serialproxy_port", default=6083,
                help="Port of the serial console proxy."),
]

VNC_OPTS = [
    cfg.BoolOpt("enabled", default=True,
                help="Give guests a VNC display reachable through the "
                     "noVNC proxy."),
    cfg.StrOpt("server_listen", default="127.0.0.1",
               help="Address the guests' VNC servers listen on."),
    cfg.StrOpt("server_proxyclient_address", default="127.0.0.1",
               help="Address the proxy connects to for a guest's VNC."),
    cfg.StrOpt("novncproxy_base_url",
               sample_default="http://127.0.0.1:6080/vnc_auto.html",
               help="URL of the noVNC proxy given to users. Unset: the "
                    "proxy's own address, http[s]://novncproxy_host:"
                    "novncproxy_port/vnc_auto.html (as base_url of "
                    "[serial_console])."),
    cfg.StrOpt("novncproxy_host", default="127.0.0.1",
               help="Address the noVNC proxy listens on."),
    cfg.PortOpt("novncproxy_port", default=6080,
                help="Port of the noVNC proxy."),
]

CONSOLE_OPTS = [
    cfg.StrOpt("ssl_certfile",
               help="PEM certificate: the console proxies speak TLS "
                    "(wss://, https://) when it and ssl_keyfile are set."),
    cfg.StrOpt("ssl_keyfile", help="PEM private key of ssl_certfile."),
    cfg.ListOpt("allowed_origins", default=[],
                help="Hosts besides the proxy's own whose web pages may "
                     "open console websockets (the Origin header's host)."),
]

# Nova's [DEFAULT] web: what the noVNC proxy serves besides websockets.
WEB_OPTS = [
    cfg.StrOpt("web", default="/usr/share/novnc",
               help="Directory of noVNC's HTML and JavaScript (Debian's "
                    "novnc package), served by the noVNC proxy on its "
                    "port (vnc_lite.html, vnc.html, vnc_auto.html)."),
]

GROUPS = [("DEFAULT", WEB_OPTS), ("consoleauth", CONSOLEAUTH_OPTS),
          ("serial_console", SERIAL_CONSOLE_OPTS),
          ("vnc", VNC_OPTS), ("console", CONSOLE_OPTS)]


def register_opts(conf):
    for group, opts in GROUPS:
        conf.register_opts(opts, group=None if group == "DEFAULT" else group)


def list_opts():
    return list(GROUPS)
