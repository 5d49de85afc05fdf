"""A tiny websocket client for the tests (the masked side of RFC 6455)."""
import base64
import os
import socket
import urllib.parse

from stratus.console import websocket


class Refused(Exception):
    def __init__(self, status):
        super().__init__(status)
        self.status = status


class Client:
    def __init__(self, url, ssl_context=None, timeout=10, cookie=None,
                 origin=None):
        parts = urllib.parse.urlsplit(url)
        sock = socket.create_connection((parts.hostname, parts.port),
                                        timeout=timeout)
        if parts.scheme == "wss":
            sock = ssl_context.wrap_socket(sock,
                                           server_hostname=parts.hostname)
        self.sock = sock
        key = base64.b64encode(os.urandom(16)).decode()
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        headers = ["GET %s HTTP/1.1" % target,
                   "Host: %s:%d" % (parts.hostname, parts.port),
                   "Upgrade: websocket", "Connection: Upgrade",
                   "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13",
                   "Sec-WebSocket-Protocol: binary"]
        if cookie:
            headers.append("Cookie: " + cookie)
        if origin:
            headers.append("Origin: " + origin)
        sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = sock.recv(4096)
            if not chunk:
                break
            response += chunk
        status_line = response.split(b"\r\n", 1)[0].decode()
        status = int(status_line.split(" ")[1]) if status_line else 0
        if status != 101:
            sock.close()
            raise Refused(status)
        assert ("Sec-WebSocket-Accept: %s" % websocket.accept_key(key)
                ).encode() in response
        self.buffered = response.split(b"\r\n\r\n", 1)[1]

    def send(self, data):
        self.sock.sendall(websocket.encode_frame(data, mask=os.urandom(4)))

    def receive(self):
        if self.buffered:
            # Frames that arrived with the handshake response.
            raw, self.buffered = self.buffered, b""
            self.sock = _Prefixed(self.sock, raw)
        fin, opcode, payload = websocket.read_frame(self.sock)
        if opcode == websocket.OP_CLOSE:
            raise websocket.ConnectionClosed()
        return payload

    def read_until(self, text):
        data = b""
        while text.encode() not in data:
            data += self.receive()
        return data.decode(errors="replace")

    def close(self):
        self.sock.close()


class _Prefixed:
    def __init__(self, sock, prefix):
        self._sock, self._prefix = sock, prefix

    def recv(self, count):
        if self._prefix:
            data, self._prefix = self._prefix[:count], self._prefix[count:]
            return data
        return self._sock.recv(count)

    def sendall(self, data):
        self._sock.sendall(data)

    def close(self):
        self._sock.close()


def http_request(url, method="GET"):
    """(status, headers with lower-case names, body) of a plain HTTP
    request (the proxies close the connection after each response)."""
    parts = urllib.parse.urlsplit(url)
    target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    with socket.create_connection((parts.hostname, parts.port),
                                  timeout=30) as sock:
        sock.sendall(("%s %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n" % (
            method, target, parts.hostname, parts.port)).encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split(" ")[1]), headers, body
