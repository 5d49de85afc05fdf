"""Volume attach benchmark: how long attaching a volume to a running
server and detaching it again take on the fake driver with the built-in
block storage service, all-in-one in one process (SQLite, the in-process
message transport, one compute host), driven through the Compute API
in-process (WSGI, no sockets).

    python bench/volume_attach_bench.py [--runs 20]

Each figure is the median of --runs: an attach is timed from the POST of
os-volume_attachments (2.100: the caller waits for the device name) until
the volume is ``in-use`` (the compute has plugged it in and completed the
attachment), a detach from the DELETE until the volume is ``available``
again, both polled every 5 ms. Prints a table and writes
bench/results/volume-attach-all-in-one.json.
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import medians  # noqa: E402
from bench import move_bench  # noqa: E402

POLL = 0.005


def volume_in(api, volume_id, status, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        volume = api.call("GET", "/os-volumes/%s" % volume_id,
                          version="2.35")["volume"]
        if volume["status"] == status:
            return volume
        if volume["status"] == "error":
            raise RuntimeError("volume %s went to error" % volume_id)
        time.sleep(POLL)
    raise RuntimeError("volume %s not %s in time" % (volume_id, status))


def run(runs):
    with tempfile.TemporaryDirectory() as data_dir:
        cloud, extra = move_bench.start(data_dir)
        extra.stop()
        try:
            api = move_bench.Api(cloud.apps["compute"])
            image = api.call("GET", "/images",
                             version="2.35")["images"][0]["id"]
            server_id = api.call("POST", "/servers", {"server": {
                "name": "bench", "flavorRef": "1", "imageRef": image,
                "networks": "none"}})["server"]["id"]
            api.settled(server_id, "ACTIVE")
            volume_id = api.call("POST", "/os-volumes", {"volume": {
                "size": 1}}, version="2.35")["volume"]["id"]
            volume_in(api, volume_id, "available")
            path = "/servers/%s/os-volume_attachments" % server_id
            figures = {"attach": [], "detach": [], "attach+detach": []}
            for _ in range(runs):
                started = time.perf_counter()
                api.call("POST", path, {"volumeAttachment": {
                    "volumeId": volume_id}}, version="2.100")
                volume_in(api, volume_id, "in-use")
                attached = time.perf_counter()
                api.call("DELETE", "%s/%s" % (path, volume_id),
                         version="2.100")
                volume_in(api, volume_id, "available")
                detached = time.perf_counter()
                figures["attach"].append(attached - started)
                figures["detach"].append(detached - attached)
                figures["attach+detach"].append(detached - started)
        finally:
            cloud.stop()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    figures = run(args.runs)
    result = {"mode": "all-in-one (in-process, SQLite, fake driver, "
                      "built-in block storage service)",
              "runs": args.runs}
    medians.report(figures, result, "step", "volume-attach-all-in-one.json")


if __name__ == "__main__":
    main()
