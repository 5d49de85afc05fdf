"""noVNC's web files, served by the noVNC proxy on its own port (as
Nova's novncproxy serves ``[DEFAULT] web``): the page the console URL
names (``vnc_auto.html``, ``vnc.html``, ``vnc_lite.html``, with the
``path=?token=...`` parameter the page passes to its websocket) and its
scripts, styles and images. Only files inside the directory are served;
where it is missing every page is a 404 that says what to install."""
import mimetypes
import os
import urllib.parse

from stratus.console import websocket

# Browsers run ES modules only when served with a JavaScript type.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".oga": "audio/ogg",
    ".mp3": "audio/mpeg",
}


class WebFiles:
    def __init__(self, directory):
        self.directory = os.path.realpath(directory)

    def missing_message(self):
        return ("noVNC's web files are not installed: %s does not exist. "
                "Install Debian's novnc package (tools/install-virt.sh "
                "does) or point [DEFAULT] web at a noVNC directory; the "
                "websocket on this port still relays consoles."
                % self.directory)

    def response(self, method, target):
        """The whole HTTP response to a plain (not websocket) request."""
        if method not in ("GET", "HEAD"):
            return websocket.http_response(
                405, b"Method Not Allowed", "text/plain; charset=utf-8",
                headers=["Allow: GET, HEAD"])
        head = method == "HEAD"
        if not os.path.isdir(self.directory):
            return websocket.http_response(
                404, self.missing_message().encode(),
                "text/plain; charset=utf-8", head=head)
        path = self._file(target)
        if path is None:
            return websocket.http_response(
                404, b"Not Found", "text/plain; charset=utf-8", head=head)
        with open(path, "rb") as handle:
            body = handle.read()
        extension = os.path.splitext(path)[1].lower()
        content_type = CONTENT_TYPES.get(extension) or \
            mimetypes.guess_type(path)[0] or "application/octet-stream"
        return websocket.http_response(200, body, content_type,
                                       headers=["Cache-Control: no-cache"],
                                       head=head)

    def _file(self, target):
        """The file a request path names inside the directory (links
        followed, but never out of it), or None."""
        relative = urllib.parse.unquote(
            urllib.parse.urlsplit(target).path).lstrip("/")
        if not relative or "\x00" in relative:
            return None
        path = os.path.realpath(os.path.join(self.directory, relative))
        if not path.startswith(self.directory + os.sep) \
                or not os.path.isfile(path):
            return None
        return path
