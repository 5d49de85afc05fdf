"""Safe by default: a service started on the shipped configuration
authenticates every request (Keystone mode, as Nova), never runs noauth
unless told to, says so loudly when it is told to, and listens on loopback
only."""
import logging

import pytest
import requests
from oslo_config import cfg

from stratus.cmd import all_in_one
from stratus.cmd import services
from stratus import conf as stratus_conf
from stratus import rpc
from stratus import wsgi_server

# Every address a Stratus listener binds, by (group, option). The metadata
# service is left out on purpose: it listens on the bridge's metadata
# address (169.254.169.254) where the guests of this host reach it.
LISTENERS = {
    ("DEFAULT", "osapi_compute_listen"),
    ("placement_api", "listen"),
    ("identity", "listen"),
    ("glance", "listen"),
    ("neutron", "listen"),
    ("cinder", "listen"),
    ("serial_console", "serialproxy_host"),
    ("serial_console", "proxyclient_address"),
    ("vnc", "novncproxy_host"),
    ("vnc", "server_listen"),
    ("vnc", "server_proxyclient_address"),
    ("dataplane", "metadata_listen"),
}
BY_DESIGN = {("DEFAULT", "metadata_listen")}
# Host names written into URLs (the catalog), not bound.
ADVERTISED = {("identity", "public_host")}


def _address_options():
    """(group, option) of every option that names an address to bind."""
    found = {}
    for group, options in stratus_conf.list_opts():
        for opt in options:
            name = opt.name
            if (isinstance(opt, cfg.StrOpt)
                    and ("listen" in name or name.endswith("_host")
                         or name.endswith("proxyclient_address"))):
                found[(group, name)] = opt.default
    return found


def test_every_listener_defaults_to_loopback():
    options = _address_options()
    # A new listener must be added to LISTENERS (and default to loopback).
    assert set(options) == LISTENERS | BY_DESIGN | ADVERTISED
    for key in LISTENERS | ADVERTISED:
        assert options[key] == "127.0.0.1", key


@pytest.fixture
def default_api(sqlite_databases, tmp_path):
    """`stratus api`'s listeners on the shipped defaults (only the
    databases, the state path and free ports set), served on loopback."""
    conf = stratus_conf.build_conf()
    conf.set_override("state_path", str(tmp_path))
    for group, name in ((None, "osapi_compute_listen_port"),
                        ("placement_api", "port"), ("glance", "port")):
        conf.set_override(name, 0, group=group)
    messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
    server = wsgi_server.serve(
        services.api_listeners(conf, sqlite_databases, messaging), threads=2)
    yield conf, server
    server.stop()
    messaging.cleanup()


def test_the_default_is_keystone_and_refuses_the_noauth_admin(default_api,
                                                              caplog):
    conf, server = default_api
    assert conf.api.auth_strategy == "keystone"
    compute = server.url("compute") + "/v2.1"
    for token in ("admin:anything", "admin:admin", "demo"):
        response = requests.get(compute + "/servers",
                                headers={"X-Auth-Token": token}, timeout=10)
        assert response.status_code == 401, response.text
        assert response.json()["unauthorized"]["code"] == 401
    # Without keystonemiddleware in front, identity headers a client makes
    # up are worth nothing either.
    response = requests.get(compute + "/os-services", timeout=10, headers={
        "X-Auth-Token": "admin:anything", "X-Identity-Status": "Confirmed",
        "X-User-Id": "admin", "X-Project-Id": "admin", "X-Roles": "admin"})
    assert response.status_code == 401, response.text
    for name, path in (("placement", "/resource_providers"),
                       ("image", "/v2/images")):
        response = requests.get(server.url(name) + path, timeout=10,
                                headers={"X-Auth-Token": "admin:anything"})
        assert response.status_code == 401, (name, response.text)


def _start_records(conf, databases, tmp_path, caplog):
    """The log records of building `stratus api`'s listeners on conf."""
    conf.set_override("state_path", str(tmp_path))
    messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
    try:
        with caplog.at_level(logging.WARNING):
            services.api_listeners(conf, databases, messaging)
    finally:
        messaging.cleanup()
    return [(record.levelno, record.getMessage())
            for record in caplog.records]


def test_an_unconfigured_keystone_is_logged(sqlite_databases, tmp_path,
                                            caplog):
    records = _start_records(stratus_conf.build_conf(), sqlite_databases,
                             tmp_path, caplog)
    assert any(level == logging.ERROR and "[keystone_authtoken]" in message
               for level, message in records)
    assert not any("noauth" in message for _, message in records)


def test_noauth_is_announced_at_start(sqlite_databases, tmp_path, caplog):
    conf = stratus_conf.build_conf(overrides={("api", "auth_strategy"):
                                              "noauth"})
    records = _start_records(conf, sqlite_databases, tmp_path, caplog)
    warnings = [message for level, message in records
                if level == logging.WARNING
                and "auth_strategy = noauth" in message]
    # The compute, placement and image APIs each say so.
    assert len(warnings) >= 3


def test_the_all_in_one_keeps_builtin_unless_told(tmp_path):
    conf = stratus_conf.build_conf()
    all_in_one.configure(conf, str(tmp_path / "a"))
    assert conf.api.auth_strategy == "builtin"
    config = tmp_path / "stratus.conf"
    config.write_text("[api]\nauth_strategy = keystone\n")
    conf = stratus_conf.build_conf(config_files=[str(config)])
    all_in_one.configure(conf, str(tmp_path / "b"))
    assert conf.api.auth_strategy == "keystone"
    conf = stratus_conf.build_conf(config_files=[str(config)])
    all_in_one.configure(conf, str(tmp_path / "c"), auth="noauth")
    assert conf.api.auth_strategy == "noauth"
