"""The fake driver's simulated serial console: what a guest's ttyS0
looks like from the serial console proxy.

A hypervisor exposes a guest's serial port as a raw TCP socket on the
compute host (libvirt's ``<serial type='tcp'>``, a port of ``[serial_console]
port_range`` on ``proxyclient_address``); the proxy relays a websocket to
it. A simulated guest has no port of its own, so the fake driver opens
one per guest the first time its console is asked for, and closes it
when the guest is destroyed, leaves the host, or the host stops.

Behind the socket sits a getty: a banner and a ``login:`` prompt, typed
characters echoed as a terminal does, the password not echoed, and every
login refused (nothing runs in the guest to log into). Logins reach the
guest's console log as they would on a real serial port.
"""
import logging
import socket
import threading

LOG = logging.getLogger(__name__)

ERASE = (b"\x7f", b"\x08")
LINE_ENDS = (b"\r", b"\n")


def _port_candidates(port_range, seed):
    """The ports of "min:max" to try, starting at one derived from seed
    (guests spread over the range, as a hypervisor's allocations do)."""
    low, high = (int(part) for part in port_range.split(":"))
    span = high - low + 1
    first = seed % span
    return (low + (first + step) % span for step in range(span))


class _Getty:
    """One connection: login prompt, echo, password, refusal."""

    def __init__(self, sock, hostname, log):
        self.sock = sock
        self.hostname = hostname
        self.log = log
        self.line = b""
        self.user = None
        self.after_cr = False

    def run(self):
        self.send("\r\nStratus simulated guest %s (ttyS0)\r\n\r\n%s login: "
                  % (self.hostname, self.hostname))
        while True:
            data = self.sock.recv(4096)
            if not data:
                return
            for index in range(len(data)):
                self.key(data[index:index + 1])

    def send(self, text):
        self.sock.sendall(text.encode("utf-8") if isinstance(text, str)
                          else text)

    def key(self, char):
        echo = self.user is None
        after_cr, self.after_cr = self.after_cr, char == b"\r"
        if char in LINE_ENDS:
            if char == b"\n" and after_cr:
                return  # the \n of a \r\n
            self.enter(self.line.decode("utf-8", "replace"))
            self.line = b""
            return
        if char in ERASE:
            if self.line:
                self.line = self.line[:-1]
                if echo:
                    self.send(b"\x08 \x08")
            return
        self.line += char
        if echo:
            self.send(char)

    def enter(self, typed):
        if self.user is None:
            self.user = typed
            self.send("\r\nPassword: ")
            return
        self.log("%s login: %s" % (self.hostname, self.user),
                 "Login incorrect")
        self.user = None
        self.send("\r\nLogin incorrect\r\n\r\n%s login: " % self.hostname)


class SerialConsole:
    """The listening serial port of one simulated guest: a thread that
    accepts, and one per connection."""

    def __init__(self, address, port_range, seed, hostname, log):
        self._hostname = hostname
        self._log = log
        self._connections = set()
        self._lock = threading.Lock()
        self._listener = self._bind(address, port_range, seed)
        self.host, self.port = self._listener.getsockname()[:2]
        self._thread = threading.Thread(
            target=self._accept, daemon=True,
            name="fake-serial-%s" % hostname)
        self._thread.start()

    @staticmethod
    def _bind(address, port_range, seed):
        error = None
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        for port in _port_candidates(port_range, seed):
            try:
                return socket.create_server((address, port), family=family)
            except OSError as bind_error:
                error = bind_error
        raise error

    def _accept(self):
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return  # stopped
            threading.Thread(target=self._serve, args=(sock,), daemon=True,
                             name="fake-serial-%s-tty" % self._hostname
                             ).start()

    def _serve(self, sock):
        with self._lock:
            self._connections.add(sock)
        try:
            _Getty(sock, self._hostname, self._log).run()
        except OSError as error:
            LOG.debug("serial console connection of %s ended: %s",
                      self._hostname, error)
        finally:
            with self._lock:
                self._connections.discard(sock)
            sock.close()

    def stop(self):
        """Close the port and hang up on whoever is connected."""
        for sock in [self._listener] + self._connected():
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._listener.close()
        self._thread.join(timeout=5)

    def _connected(self):
        with self._lock:
            return list(self._connections)
