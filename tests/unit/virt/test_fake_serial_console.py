"""The fake driver's simulated serial ports: where they listen, what
answers, and that they close with their guest or host."""
import socket

import pytest

from stratus.virt import loader as virt_loader
from tests.unit.virt.test_fake_driver import make_instance


def _free_pair():
    """Two consecutive free loopback ports (the first one held open)."""
    while True:
        held = socket.create_server(("127.0.0.1", 0))
        port = held.getsockname()[1]
        try:
            socket.create_server(("127.0.0.1", port + 1)).close()
            return held, port
        except OSError:
            held.close()


@pytest.fixture
def fake(conf):
    driver = virt_loader.load_driver(conf, "cmp1")
    yield driver
    driver.cleanup_host("cmp1")


def _running(fake, name="vm"):
    instance = make_instance(name)
    fake.spawn(None, instance, None, [], None, [])
    return instance


def _read_until(sock, text):
    data = b""
    while text.encode() not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode()


def test_a_guest_gets_one_port_in_the_range_and_a_getty_behind_it(conf,
                                                                  fake):
    held, busy = _free_pair()
    try:
        conf.set_override("port_range", "%d:%d" % (busy, busy + 1),
                          group="serial_console")
        instance = _running(fake, "db-1")
        connection = fake.get_serial_console(instance)
        # The busy port is skipped, as a hypervisor's allocator does.
        assert (connection.host, connection.port) == ("127.0.0.1", busy + 1)
        assert fake.get_serial_console(instance).port == busy + 1
    finally:
        held.close()
    with socket.create_connection((connection.host, connection.port),
                                  timeout=5) as sock:
        assert _read_until(sock, "login: ").endswith("db-1 login: ")
        sock.sendall(b"admin\r\n")
        assert _read_until(sock, "Password: ") == "admin\r\nPassword: "
        sock.sendall(b"hunter2\r")
        answer = _read_until(sock, "login: ")
        assert answer == "\r\nLogin incorrect\r\n\r\ndb-1 login: "
    assert "db-1 login: admin\nLogin incorrect\n" in \
        fake.get_console_output(None, instance)


def _closed(connection):
    with pytest.raises(OSError):
        socket.create_connection((connection.host, connection.port),
                                 timeout=5).close()


def test_the_port_closes_with_the_guest_and_hangs_up(fake):
    instance = _running(fake)
    connection = fake.get_serial_console(instance)
    sock = socket.create_connection((connection.host, connection.port),
                                    timeout=5)
    _read_until(sock, "login: ")
    fake.destroy(None, instance)
    assert sock.recv(4096) == b""
    sock.close()
    _closed(connection)


def test_ports_close_when_the_guest_leaves_or_the_host_stops(fake):
    leaving, staying = _running(fake, "a"), _running(fake, "b")
    leaving.root_gb = 1
    moved = fake.get_serial_console(leaving)
    kept = fake.get_serial_console(staying)
    assert moved.port != kept.port
    flavor = type("Flavor", (), {"root_gb": 1})()
    fake.migrate_disk_and_power_off(None, leaving, "cmp2", flavor, [])
    _closed(moved)
    socket.create_connection((kept.host, kept.port), timeout=5).close()
    fake.cleanup_host("cmp1")
    _closed(kept)
