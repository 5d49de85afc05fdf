"""A port that is taken stops the process with a message naming the
address and the option that sets it."""
import os
import socket
import subprocess
import sys

import pytest

from stratus.console import proxy
from stratus import wsgi_server

STRATUS = os.path.join(os.path.dirname(sys.executable), "stratus")


@pytest.fixture
def taken_port():
    """A loopback port some other program listens on."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    yield holder.getsockname()[1]
    holder.close()


def _not_called(environ, start_response):
    raise AssertionError("no request expected")


def test_api_listener_on_a_taken_port(taken_port):
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    free_port = free.getsockname()[1]
    free.close()
    with pytest.raises(wsgi_server.ListenError) as raised:
        wsgi_server.serve([
            ("identity", _not_called, "127.0.0.1", free_port),
            ("compute", _not_called, "127.0.0.1", taken_port)])
    assert str(raised.value) == (
        "cannot listen on 127.0.0.1:%d ([DEFAULT] osapi_compute_listen_port)"
        ": address already in use" % taken_port)
    # The listener made before the failure gave its port back.
    again = socket.socket()
    again.bind(("127.0.0.1", free_port))
    again.close()


def test_console_proxy_on_a_taken_port(conf, taken_port):
    with pytest.raises(wsgi_server.ListenError) as raised:
        proxy.ConsoleProxy(conf, None, "serial", "127.0.0.1", taken_port)
    assert str(raised.value) == (
        "cannot listen on 127.0.0.1:%d ([serial_console] serialproxy_port)"
        ": address already in use" % taken_port)


@pytest.mark.slow
def test_all_in_one_names_the_taken_port_of_its_config_file(tmp_path,
                                                            taken_port):
    # The config file comes after the subcommand, as
    # `bash tools/all-in-one.sh --config-file ...` passes it.
    config = tmp_path / "ports.conf"
    config.write_text("[DEFAULT]\nosapi_compute_listen_port = %d\n"
                      "[identity]\nport = 0\n[glance]\nport = 0\n"
                      "[placement_api]\nport = 0\n[neutron]\nport = 0\n"
                      "[cinder]\nport = 0\n"
                      "[serial_console]\nserialproxy_port = 0\n"
                      "[vnc]\nnovncproxy_port = 0\n" % taken_port)
    result = subprocess.run(
        [STRATUS, "all-in-one", "--data-dir", str(tmp_path / "data"),
         "--config-file", str(config)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "stratus: cannot listen on 127.0.0.1:%d ([DEFAULT] "
        "osapi_compute_listen_port): address already in use" % taken_port)
    assert "Traceback" not in result.stderr
