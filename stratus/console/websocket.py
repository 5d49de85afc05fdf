"""The server side of RFC 6455 websockets, as much as a console proxy
needs: the opening handshake, binary/text frames (unmasked from the
client, fragmented or not), ping/pong and close."""
import base64
import hashlib
import http
import struct

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONTINUATION, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA
MAX_HEADER_BYTES = 16384
MAX_FRAME_BYTES = 1 << 24


class ConnectionClosed(Exception):
    pass


class HandshakeError(Exception):
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status


def accept_key(key):
    digest = hashlib.sha1((key + GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def read_request(sock):
    """(method, target, headers with lower-case names) of the HTTP
    request that opens the connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionClosed()
        data += chunk
        if len(data) > MAX_HEADER_BYTES:
            raise HandshakeError(431, "Request Header Fields Too Large")
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        raise HandshakeError(400, "Bad Request")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return parts[0], parts[1], headers


def is_upgrade(headers):
    """Whether the request asks for a websocket."""
    return "websocket" in headers.get("upgrade", "").lower() and \
        "upgrade" in headers.get("connection", "").lower()


def handshake_response(headers):
    """The 101 response to an upgrade request; HandshakeError if it is
    not one."""
    if not is_upgrade(headers):
        raise HandshakeError(400, "Bad Request")
    key = headers.get("sec-websocket-key")
    if not key or headers.get("sec-websocket-version") != "13":
        raise HandshakeError(400, "Bad Request")
    lines = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket",
             "Connection: Upgrade", "Sec-WebSocket-Accept: " + accept_key(key)]
    offered = [p.strip() for p in
               headers.get("sec-websocket-protocol", "").split(",")]
    # noVNC offers "binary"; other clients may offer nothing.
    if "binary" in offered:
        lines.append("Sec-WebSocket-Protocol: binary")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def error_response(status, reason):
    return http_response(status, reason.encode(), "text/plain; charset=utf-8")


def http_response(status, body, content_type, headers=(), head=False):
    """A whole HTTP/1.1 response that closes the connection (the body
    left out for a HEAD request, its length kept)."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    lines = ["HTTP/1.1 %d %s" % (status, phrase),
             "Content-Type: " + content_type,
             "Content-Length: %d" % len(body),
             "X-Content-Type-Options: nosniff", "Connection: close"]
    lines.extend(headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (
        b"" if head else body)


def _read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionClosed()
        data += chunk
    return data


def read_frame(sock):
    """(fin, opcode, payload) of the next frame, unmasked."""
    first, second = _read_exactly(sock, 2)
    fin, opcode = bool(first & 0x80), first & 0x0F
    masked, length = bool(second & 0x80), second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", _read_exactly(sock, 2))
    elif length == 127:
        (length,) = struct.unpack("!Q", _read_exactly(sock, 8))
    if length > MAX_FRAME_BYTES:
        raise ConnectionClosed()
    mask = _read_exactly(sock, 4) if masked else None
    payload = _read_exactly(sock, length) if length else b""
    if mask:
        payload = bytes(byte ^ mask[index % 4]
                        for index, byte in enumerate(payload))
    return fin, opcode, payload


def encode_frame(payload, opcode=OP_BINARY, mask=None):
    """One final frame; servers send unmasked, clients pass a 4-byte mask."""
    header = bytes([0x80 | opcode])
    mask_bit = 0x80 if mask else 0
    length = len(payload)
    if length < 126:
        header += bytes([mask_bit | length])
    elif length < 1 << 16:
        header += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        header += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if mask:
        payload = bytes(byte ^ mask[index % 4]
                        for index, byte in enumerate(payload))
        header += mask
    return header + payload


class WebSocket:
    """A server-side websocket on an accepted (and upgraded) socket."""

    def __init__(self, sock):
        self.sock = sock

    def receive(self):
        """The next data message's bytes; ConnectionClosed at the end."""
        message = b""
        while True:
            fin, opcode, payload = read_frame(self.sock)
            if opcode == OP_CLOSE:
                try:
                    self.sock.sendall(encode_frame(payload[:2], OP_CLOSE))
                except OSError:
                    pass
                raise ConnectionClosed()
            if opcode == OP_PING:
                self.sock.sendall(encode_frame(payload, OP_PONG))
                continue
            if opcode == OP_PONG:
                continue
            message += payload
            if fin:
                return message

    def send(self, data):
        self.sock.sendall(encode_frame(data))

    def close(self):
        try:
            self.sock.sendall(encode_frame(struct.pack("!H", 1000),
                                           OP_CLOSE))
        except OSError:
            pass
