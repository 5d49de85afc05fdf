"""A minimal keep-alive JSON client for the Compute API (one per thread)."""
import http.client
import json
import threading
import urllib.parse


class Client:
    def __init__(self, base_url, token="admin:admin", version="2.100",
                 timeout=60):
        url = urllib.parse.urlsplit(base_url)
        self.host, self.port = url.hostname, url.port
        self.prefix = url.path.rstrip("/")
        self.headers = {"X-Auth-Token": token,
                        "OpenStack-API-Version": "compute " + version,
                        "Content-Type": "application/json"}
        self.timeout = timeout
        self._local = threading.local()

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port,
                                              timeout=self.timeout)
            self._local.conn = conn
        return conn

    def request(self, method, path, body=None, version=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self.headers, **(headers or {}))
        if version:
            headers["OpenStack-API-Version"] = "compute " + version
        for attempt in (1, 2):
            conn = self._conn()
            try:
                conn.request(method, self.prefix + path, body=data,
                             headers=headers)
                response = conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
        result = json.loads(payload) if payload else None
        return response.status, result
