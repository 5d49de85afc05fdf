"""Remote consoles on the control plane side: ask the instance's compute
where its console listens, keep that behind a new token, answer the URL
the user opens on the console proxy."""
import urllib.parse

from stratus.console import tokens
from stratus import exception
from stratus.objects import fields

# (protocol, type) -> console type a compute serves.
SUPPORTED = {("serial", "serial"): "serial", ("vnc", "novnc"): "novnc"}


def console_url(conf, console_type, token):
    if console_type == "serial":
        base = conf.serial_console.base_url
        query = {"token": token}
    else:
        base = conf.vnc.novncproxy_base_url
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
