"""`stratus api` serves the metadata service when [DEFAULT] enabled_apis
names it, on metadata_listen:metadata_listen_port."""
import urllib.error
import urllib.request

import pytest

from stratus.cmd import services
from stratus import rpc
from stratus import wsgi_server


def _names(conf, databases):
    messaging = rpc.Messaging(conf, url=rpc.IN_PROCESS_URL)
    try:
        return [entry[0] for entry in services.api_listeners(
            conf, databases, messaging)]
    finally:
        messaging.cleanup()


def test_metadata_is_off_by_default(conf, sqlite_databases):
    assert "metadata" not in _names(conf, sqlite_databases)


def test_metadata_listener_when_enabled(conf, sqlite_databases):
    conf.set_override("enabled_apis", ["osapi_compute", "metadata"])
    conf.set_override("metadata_listen", "127.0.0.1")
    conf.set_override("metadata_listen_port", 0)
    assert "metadata" in _names(conf, sqlite_databases)
    listener = services.metadata_listener(conf, sqlite_databases)
    assert listener[2:] == ("127.0.0.1", 0)
    server = wsgi_server.serve([listener], threads=2)
    try:
        # No guest has this address: the metadata service's own 404.
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(server.url("metadata") +
                                   "/openstack/latest/meta_data.json",
                                   timeout=10)
        assert error.value.code == 404
        assert b"No instance has the address 127.0.0.1" in error.value.read()
    finally:
        server.stop()


def test_metadata_listens_on_the_metadata_address_by_default(
        conf, sqlite_databases):
    listener = services.metadata_listener(conf, sqlite_databases)
    assert listener[2:] == (conf.network.metadata_address,
                            conf.network.metadata_port)
