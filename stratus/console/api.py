"""Remote consoles on the control plane side: ask the instance's compute
where its console listens, keep that behind a new token, answer the URL
the user opens on the console proxy."""
import urllib.parse

from stratus import exception
from stratus.objects import console_auth_token as tokens
from stratus.objects import fields

# (protocol, type) -> console type a compute serves.
SUPPORTED = {("serial", "serial"): "serial", ("vnc", "novnc"): "novnc"}


WILDCARD_ADDRESSES = ("", "0.0.0.0", "::")


class ProxyOptions:
    """Where a console type's proxy is configured: its [group], the
    options of its base URL, address and port, and its URL's shape."""

    def __init__(self, group, url_option, host_option, port_option,
                 schemes, path):
        self.group = group
        self.url_option = url_option
        self.host_option = host_option
        self.port_option = port_option
        self.schemes = schemes  # (plain, TLS)
        self.path = path


PROXIES = {
    "serial": ProxyOptions("serial_console", "base_url", "serialproxy_host",
                           "serialproxy_port", ("ws", "wss"), "/"),
    "novnc": ProxyOptions("vnc", "novncproxy_base_url", "novncproxy_host",
                          "novncproxy_port", ("http", "https"),
                          "/vnc_auto.html"),
}


def base_url(conf, console_type):
    """The configured base URL of the console type's proxy, or else the
    proxy's own address: what it listens on ([DEFAULT] my_ip when that
    is every address) and its port."""
    proxy = PROXIES[console_type]
    options = conf[proxy.group]
    if options[proxy.url_option]:
        return options[proxy.url_option]
    tls = bool(conf.console.ssl_certfile and conf.console.ssl_keyfile)
    host = options[proxy.host_option]
    if host in WILDCARD_ADDRESSES:
        host = conf.my_ip
    if ":" in host:
        host = "[%s]" % host
    return "%s://%s:%d%s" % (proxy.schemes[tls], host,
                             options[proxy.port_option], proxy.path)


def console_url(conf, console_type, token):
    base = base_url(conf, console_type)
    if console_type == "serial":
        query = {"token": token}
    else:
        # noVNC passes its "path" to the websocket it opens.
        query = {"path": "?token=%s" % token}
    separator = "&" if "?" in base else "?"
    return base + separator + urllib.parse.urlencode(query)


def get_remote_console(conf, compute_rpcapi, ctx, instance, protocol,
                       console_kind):
    """The URL of a new one-use token for the instance's console."""
    console_type = SUPPORTED.get((protocol, console_kind))
    if console_type is None:
        raise exception.ConsoleTypeUnavailable(
            console_type="%s/%s" % (protocol, console_kind))
    if instance.vm_state != fields.VMState.ACTIVE or not instance.host:
        raise exception.InstanceNotReady(instance_id=instance.uuid)
    if console_type == "serial":
        connection = compute_rpcapi.get_serial_console(ctx, instance)
    else:
        connection = compute_rpcapi.get_vnc_console(ctx, instance)
    token = tokens.issue(ctx, instance.uuid, connection,
                         conf.consoleauth.token_ttl)
    return console_url(conf, console_type, token)
