"""Volume user benchmark: the resident memory (RSS) of `stratus all-in-one`
(one process: the compute API, the built-in block storage service, one
compute of fake nodes, SQLite) as a user fills it with volumes over HTTP,
as the OpenStack clients do.

    python bench/volume_user_bench.py [--volumes 20]

Steps, each followed by a reading of the process's RSS (psutil): the
started all-in-one; one server (no network) ACTIVE; --volumes volumes of
1 GiB made (os-volumes, 2.35) and available; all of them attached to the
server (os-volume_attachments, 2.100: each call waits for the device name,
then the volume is polled until ``in-use``); all detached and deleted.
The attach and detach of each volume are timed too (medians). Prints a
table and writes bench/results/volume-user-all-in-one.json.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import deploy  # noqa: E402
from bench.http_client import Client  # noqa: E402

POLL = 0.02
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def _ok(answer, *codes):
    code, body = answer
    if code not in codes:
        raise RuntimeError("answered %s: %s" % (code, body))
    return body


def _until(client, path, key, field, wanted, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, body = client.request("GET", path, version="2.35")
        if code == 404 and wanted is None:
            return None
        if code == 200 and body[key][field] == wanted:
            return body[key]
        if code == 200 and body[key][field] == "error":
            raise RuntimeError("%s went to error" % path)
        time.sleep(POLL)
    raise RuntimeError("%s not %s in %ss" % (path, wanted, timeout))


def run(cloud, count):
    client = Client(cloud.compute_url)
    figures = {"rss_mib_started": cloud.rss_mib()}
    image = _ok(client.request("GET", "/images", version="2.35"),
                200)["images"][0]["id"]
    server = _ok(client.request("POST", "/servers", {"server": {
        "name": "bench", "flavorRef": "1", "imageRef": image,
        "networks": "none"}}), 202)["server"]["id"]
    _until(client, "/servers/%s" % server, "server", "status", "ACTIVE")
    figures["rss_mib_one_server"] = cloud.rss_mib()

    volumes = []
    for i in range(count):
        volumes.append(_ok(client.request("POST", "/os-volumes", {"volume": {
            "size": 1, "display_name": "bench-%d" % i}}, version="2.35"),
            200)["volume"]["id"])
    for volume in volumes:
        _until(client, "/os-volumes/%s" % volume, "volume", "status",
               "available")
    figures["rss_mib_volumes_made"] = cloud.rss_mib()

    path = "/servers/%s/os-volume_attachments" % server
    attach, detach = [], []
    for volume in volumes:
        started = time.perf_counter()
        _ok(client.request("POST", path, {"volumeAttachment": {
            "volumeId": volume}}, version="2.100"), 200)
        _until(client, "/os-volumes/%s" % volume, "volume", "status",
               "in-use")
        attach.append(time.perf_counter() - started)
    listed = _ok(client.request("GET", path, version="2.100"), 200)
    assert len(listed["volumeAttachments"]) == count, listed
    figures["rss_mib_volumes_attached"] = cloud.rss_mib()

    for volume in volumes:
        started = time.perf_counter()
        _ok(client.request("DELETE", "%s/%s" % (path, volume),
                           version="2.100"), 202)
        _until(client, "/os-volumes/%s" % volume, "volume", "status",
               "available")
        detach.append(time.perf_counter() - started)
        _ok(client.request("DELETE", "/os-volumes/%s" % volume,
                           version="2.35"), 202)
    for volume in volumes:
        _until(client, "/os-volumes/%s" % volume, "volume", "status", None)
    figures["rss_mib_volumes_deleted"] = cloud.rss_mib()
    figures["attach_median_s"] = statistics.median(attach)
    figures["detach_median_s"] = statistics.median(detach)
    return figures


ROWS = [
    ("RSS, all-in-one started", "rss_mib_started", "%.0f MiB"),
    ("RSS, one server ACTIVE", "rss_mib_one_server", "%.0f MiB"),
    ("RSS, %(volumes)d volumes available", "rss_mib_volumes_made",
     "%.0f MiB"),
    ("RSS, %(volumes)d volumes attached", "rss_mib_volumes_attached",
     "%.0f MiB"),
    ("RSS, volumes detached and deleted", "rss_mib_volumes_deleted",
     "%.0f MiB"),
    ("attach -> in-use, median", "attach_median_s", "%.3f s"),
    ("detach -> available, median", "detach_median_s", "%.3f s"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--volumes", type=int, default=20)
    parser.add_argument("--output", help="JSON file (default bench/results/"
                                         "volume-user-all-in-one.json)")
    args = parser.parse_args()
    # The volume service's quotas (10 volumes, 1000 GiB) lifted.
    config = {"cinder": {"quota_volumes": -1, "quota_gigabytes": -1}}
    with deploy.start("all-in-one", computes=1, nodes=3,
                      config=config) as cloud:
        results = run(cloud, args.volumes)
    results.update(mode="all-in-one (stratus all-in-one process, SQLite, "
                        "fake driver, built-in block storage service)",
                   volumes=args.volumes, poll_interval_s=POLL,
                   date=time.strftime("%Y-%m-%d"), cpus=os.cpu_count())
    print("Stratus volume user benchmark, all-in-one, %d volumes"
          % args.volumes)
    for label, key, fmt in ROWS:
        print("  %-40s %s" % (label % results, fmt % results[key]))
    output = args.output or os.path.join(RESULTS,
                                         "volume-user-all-in-one.json")
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w") as handle:
        json.dump(results, handle, indent=2, sort_keys=True)
        handle.write("\n")
    print("wrote", output)


if __name__ == "__main__":
    main()
