"""Send the hostile-input corpus (stratus/testing/hostile.py) to a running
cloud's four APIs over HTTP and count the answers.

    .venv/bin/python tools/fuzz_api.py --data-dir ~/.local/share/stratus \\
        [--max-requests 20000] [--max-seconds 600] [--json out.json]
    .venv/bin/python tools/fuzz_api.py --clouds-yaml clouds.yaml \\
        --cloud stratus
    .venv/bin/python tools/fuzz_api.py --token admin:admin \\
        --compute http://127.0.0.1:8774 --placement ... (noauth)

The endpoints come from the identity service's catalog (clouds.yaml or the
all-in-one's data directory give its URL and a password) unless given.
Only loopback hosts are accepted: this tool must never send traffic beyond
the machine. It prints the answers by status class and every 5xx or
malformed error body with the request that caused it, writes the same as
JSON, and exits 1 when it found any.
"""
import argparse
import collections
import http.client
import ipaddress
import json
import os
import socket
import sys
import time
import urllib.parse

import yaml

from stratus.testing import hostile

APIS = ("compute", "placement", "identity", "image")
# Not in the catalog: fuzzed when its URL is given (--metadata URL
# --apis metadata); it answers guests by their address, so others get 404.
OTHER_APIS = ("metadata",)
# Service types of the catalog -> API names here.
CATALOG_TYPES = {"compute": "compute", "placement": "placement",
                 "identity": "identity", "image": "image"}
# The catalog's compute URL ends in /v2.1 and identity's in /v3; the route
# tables start at the root.
_VERSION_SUFFIXES = ("/v2.1", "/v3", "/v2")


def loopback_only(url):
    """The URL, if its host is a loopback address; SystemExit otherwise."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        raise SystemExit("cannot resolve %s" % host)
    if not addresses or not all(
            ipaddress.ip_address(address.split("%")[0]).is_loopback
            for address in addresses):
        raise SystemExit("refusing %s: only loopback hosts may be fuzzed"
                         % url)
    return url


def _root(url):
    url = url.rstrip("/")
    for suffix in _VERSION_SUFFIXES:
        if url.endswith(suffix):
            return url[:-len(suffix)]
    return url


class Client:
    """One HTTP connection per API, reopened after errors."""

    def __init__(self, base_urls, token, timeout):
        self.base_urls = base_urls
        self.token = token
        self.timeout = timeout
        self._connections = {}

    def _connection(self, api):
        connection = self._connections.get(api)
        if connection is None:
            parts = urllib.parse.urlsplit(self.base_urls[api])
            connection = http.client.HTTPConnection(
                parts.hostname, parts.port or 80, timeout=self.timeout)
            self._connections[api] = connection
        return connection

    def send(self, spec, probe):
        """(status, Content-Type, body) of one probe."""
        prefix = urllib.parse.urlsplit(self.base_urls[probe.api]).path
        headers = probe.request_headers(spec)
        if self.token:
            headers["X-Auth-Token"] = self.token
        body = probe.body
        if probe.content_type is not None:
            headers["Content-Type"] = probe.content_type
        if body is not None and probe.chunked:
            headers["Transfer-Encoding"] = "chunked"
            body = iter([probe.body])
        connection = self._connection(probe.api)
        try:
            connection.request(probe.method, prefix.rstrip("/") + probe.path,
                               body=body, headers=headers,
                               encode_chunked=probe.chunked)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            self._connections.pop(probe.api, None)
            raise
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            self._connections.pop(probe.api, None)
        return response.status, response.getheader("Content-Type"), data

    def get_json(self, api, path):
        probe = hostile.Probe(api, "GET", path, "seed")
        status, _, body = self.send(hostile.specs()[api], probe)
        return json.loads(body) if status == 200 else None


def authenticate(auth_url, auth):
    """(token, {api: base URL}) from a password authentication."""
    scope = {"project": {"name": auth["project_name"], "domain": {
        "id": auth.get("project_domain_id") or "default"}}}
    document = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": auth["username"], "password": auth["password"],
                 "domain": {"id": auth.get("user_domain_id") or "default"}}}},
        "scope": scope}}
    parts = urllib.parse.urlsplit(loopback_only(auth_url))
    connection = http.client.HTTPConnection(parts.hostname, parts.port,
                                            timeout=30)
    connection.request("POST", parts.path.rstrip("/") + "/auth/tokens",
                       body=json.dumps(document),
                       headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    reply = json.loads(response.read() or b"{}")
    if response.status != 201:
        raise SystemExit("authentication failed: %s %s"
                         % (response.status, reply))
    urls = {}
    for service in reply["token"].get("catalog", []):
        api = CATALOG_TYPES.get(service["type"])
        for endpoint in service["endpoints"]:
            if api and endpoint["interface"] == "public":
                urls[api] = _root(endpoint["url"])
    urls.setdefault("identity", _root(auth_url))
    return response.getheader("X-Subject-Token"), urls


def cloud_auth(args):
    """(auth_url, auth dict) from --clouds-yaml or --data-dir, or None."""
    path = args.clouds_yaml
    if path is None and args.data_dir:
        path = os.path.join(args.data_dir, "clouds.yaml")
    if path is None:
        return None
    with open(path) as clouds_file:
        clouds = yaml.safe_load(clouds_file)["clouds"]
    auth = clouds[args.cloud]["auth"]
    return auth["auth_url"], auth


def fuzz(client, apis, max_requests, max_seconds, seed):
    specs = hostile.specs()
    seeds = hostile.discover_seeds(client.get_json)
    planned = [(specs[api], probe) for api in apis
               for probe in hostile.probes(specs[api], thorough=True,
                                           seeds=seeds)]
    chosen = hostile.sample(planned, max_requests, seed=seed)
    counts = collections.Counter()
    by_api = collections.defaultdict(collections.Counter)
    findings = []
    started = time.monotonic()
    for spec, probe in chosen:
        if time.monotonic() - started > max_seconds:
            break
        try:
            status, content_type, body = client.send(spec, probe)
        except (OSError, http.client.HTTPException) as exc:
            counts["no answer"] += 1
            findings.append({"request": probe.describe(),
                             "problems": ["no answer: %s" % exc]})
            continue
        status_class = "%dxx" % (status // 100)
        counts[status_class] += 1
        by_api[probe.api][status_class] += 1
        found = hostile.problems(spec, probe, status, content_type, body)
        if found:
            findings.append({"request": probe.describe(), "status": status,
                             "problems": found, "body": body[:300].decode(
                                 "utf-8", "replace")})
    return {"requests": sum(counts.values()), "planned": len(planned),
            "seconds": round(time.monotonic() - started, 1),
            "by_status_class": dict(sorted(counts.items())),
            "by_api": {api: dict(sorted(counter.items()))
                       for api, counter in sorted(by_api.items())},
            "server_errors": counts["5xx"], "findings": findings}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", help="an all-in-one's data directory "
                        "(its clouds.yaml)")
    parser.add_argument("--clouds-yaml", help="a clouds.yaml file")
    parser.add_argument("--cloud", default="stratus",
                        help="the cloud in clouds.yaml (default: stratus)")
    parser.add_argument("--token", help="a token to send instead of "
                        "authenticating (noauth: user:project)")
    for api in APIS + OTHER_APIS:
        parser.add_argument("--" + api, metavar="URL",
                            help="base URL of the %s API" % api)
    parser.add_argument("--apis", default=",".join(APIS),
                        help="which APIs to fuzz (comma separated)")
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--timeout", type=float, default=30,
                        help="seconds to wait for one answer")
    parser.add_argument("--seed", type=int, default=0,
                        help="which sample of the corpus to send")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)

    token, urls = args.token, {}
    found = cloud_auth(args)
    if found is not None and token is None:
        token, urls = authenticate(*found)
    for api in APIS + OTHER_APIS:
        if getattr(args, api):
            urls[api] = _root(getattr(args, api))
    apis = [api for api in args.apis.split(",") if api]
    missing = [api for api in apis if api not in urls]
    if missing:
        raise SystemExit("no URL for %s: give --%s or a clouds.yaml"
                         % (", ".join(missing), missing[0]))
    for api in apis:
        loopback_only(urls[api])

    result = fuzz(Client(urls, token, args.timeout), apis,
                  args.max_requests, args.max_seconds, args.seed)
    result["urls"] = {api: urls[api] for api in apis}
    print("%d requests in %.1f s (of %d in the corpus)" % (
        result["requests"], result["seconds"], result["planned"]))
    for api, counter in result["by_api"].items():
        print("  %-9s %s" % (api, "  ".join(
            "%s %d" % item for item in counter.items())))
    print("  total     %s" % "  ".join(
        "%s %d" % item for item in result["by_status_class"].items()))
    print("5xx: %d; findings: %d" % (result["server_errors"],
                                     len(result["findings"])))
    for finding in result["findings"][:50]:
        print("  %s\n    %s" % (finding["request"],
                                "; ".join(finding["problems"])))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=1)
    return 1 if result["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
