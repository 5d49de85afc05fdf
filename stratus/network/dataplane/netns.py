"""Linux networking primitives of the dataplane: bridges, veth pairs,
network namespaces, addresses, sysctls and nftables, each idempotent.

Everything is host-local: bridges have no uplink and the root
namespace never forwards (the parts that route do it inside a namespace
of their own, whose only legs are the project's bridges).
"""
import ctypes
import os
import socket
import subprocess
import threading

from stratus.network import exception as net_exception

CLONE_NEWNET = 0x40000000
NETNS_DIR = "/run/netns"


def run(command, input_text=None, check=True, namespace=None):
    """Run command (a list), in namespace when given; the result."""
    if namespace:
        command = ["ip", "netns", "exec", namespace] + list(command)
    try:
        result = subprocess.run(command, input=input_text, text=True,
                                capture_output=True)
    except FileNotFoundError as error:
        raise net_exception.DataplaneError(
            reason="%s is not installed" % command[0]) from error
    if check and result.returncode != 0:
        raise net_exception.DataplaneError(reason="%s: %s" % (
            " ".join(command), result.stderr.strip()))
    return result


def link_exists(name, namespace=None):
    return run(["ip", "link", "show", name], check=False,
               namespace=namespace).returncode == 0


def delete_link(name, namespace=None):
    if link_exists(name, namespace):
        run(["ip", "link", "del", name], namespace=namespace, check=False)


def write_sysctl(path, value, namespace=None):
    """path under /proc/sys, e.g. net/ipv4/ip_forward."""
    run(["sysctl", "-q", "-w", "%s=%s" % (path.replace("/", "."), value)],
        namespace=namespace, check=False)


def ensure_bridge(name, mtu=None):
    """A bridge with no uplink and no IPv6 of its own, up."""
    if not link_exists(name):
        run(["ip", "link", "add", "name", name, "type", "bridge"])
    write_sysctl("net/ipv6/conf/%s/disable_ipv6" % name, "1")
    if mtu:
        run(["ip", "link", "set", name, "mtu", str(mtu)], check=False)
    run(["ip", "link", "set", name, "up"])


def list_namespaces(prefix=""):
    try:
        names = os.listdir(NETNS_DIR)
    except FileNotFoundError:
        return []
    return sorted(name for name in names if name.startswith(prefix))


def ensure_namespace(name):
    if name not in list_namespaces():
        run(["ip", "netns", "add", name])
    run(["ip", "link", "set", "lo", "up"], namespace=name)


def delete_namespace(name):
    if name in list_namespaces():
        run(["ip", "netns", "del", name], check=False)


def ensure_veth(outside, inside, namespace, bridge, mac=None, mtu=None):
    """A veth pair: outside on bridge (root namespace), inside in
    namespace with mac; both up."""
    if not link_exists(inside, namespace):
        delete_link(outside)
        run(["ip", "link", "add", outside, "type", "veth", "peer", "name",
             inside])
        run(["ip", "link", "set", inside, "netns", namespace])
    if mac:
        run(["ip", "link", "set", inside, "address", mac],
            namespace=namespace)
    if mtu:
        run(["ip", "link", "set", inside, "mtu", str(mtu)],
            namespace=namespace, check=False)
        run(["ip", "link", "set", outside, "mtu", str(mtu)], check=False)
    run(["ip", "link", "set", outside, "master", bridge])
    run(["ip", "link", "set", outside, "up"])
    run(["ip", "link", "set", inside, "up"], namespace=namespace)


def set_addresses(device, addresses, namespace=None):
    """Make the device's global addresses exactly addresses ("ip/len")."""
    shown = run(["ip", "-o", "addr", "show", "dev", device, "scope",
                 "global"], namespace=namespace).stdout.split()
    present = {shown[i + 1] for i, word in enumerate(shown[:-1])
               if word in ("inet", "inet6")}
    for address in sorted(set(addresses) - present):
        run(["ip", "addr", "add", address, "dev", device],
            namespace=namespace)
    for address in sorted(present - set(addresses)):
        run(["ip", "addr", "del", address, "dev", device],
            namespace=namespace, check=False)


def apply_nft(ruleset, namespace=None):
    """Load an nftables ruleset (a whole table, replaced atomically)."""
    run(["nft", "-f", "-"], input_text=ruleset, namespace=namespace)


def table_ruleset(family, table, body):
    """A ruleset that replaces table as a whole, in one transaction."""
    return "table {f} {t}\ndelete table {f} {t}\ntable {f} {t} {{\n{b}\n}}\n" \
        .format(f=family, t=table, b=body)


def delete_table(family, table, namespace=None):
    run(["nft", "delete", "table", family, table], namespace=namespace,
        check=False)


def socket_in_namespace(namespace, family=socket.AF_INET,
                        kind=socket.SOCK_STREAM):
    """A socket made inside namespace (it stays there however it is
    used later): made by a short-lived thread that enters it, since a
    network namespace is a thread's own."""
    result = {}

    def make():
        libc = ctypes.CDLL(None, use_errno=True)
        try:
            with open(os.path.join(NETNS_DIR, namespace)) as handle:
                if libc.setns(handle.fileno(), CLONE_NEWNET) != 0:
                    errno = ctypes.get_errno()
                    raise OSError(errno, os.strerror(errno))
            result["socket"] = socket.socket(family, kind)
        except OSError as error:
            result["error"] = error

    thread = threading.Thread(target=make, name="netns-" + namespace)
    thread.start()
    thread.join()
    if "error" in result:
        raise net_exception.DataplaneError(
            reason="cannot open a socket in %s: %s" % (namespace,
                                                       result["error"]))
    return result["socket"]
