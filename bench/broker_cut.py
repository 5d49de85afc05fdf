"""What the API's bounded sends cost while the broker is away, and how
fast they work again after it is back (docs/operations.md, "The API fails
fast or succeeds for sure").

A loopback TCP proxy stands between an API-side transport (``Messaging
.bounded``, as ``stratus api`` sends) and RabbitMQ; cutting it resets
every connection through it and refuses new ones, as a broker that went
away does. Measured: a cast while cut (answered BrokerUnavailable after
how long, for [api] rpc_unavailable_timeout), the first cast after the
proxy is restored, and a cast to a closed port. Prints a table, writes
bench/results/broker-cut.json.

    .venv/bin/python -m bench.broker_cut [--timeout 5]
"""
import argparse
import json
import os
import socket
import threading
import time
import urllib.parse

from bench import deploy


class CuttableProxy:
    """Forwards loopback connections to target until cut()."""

    def __init__(self, target):
        self.target = target
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.connections = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            client, _address = self.listener.accept()
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink),
                                 daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.open = False
        with self.lock:
            for sock in self.connections:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.connections = []

    def restore(self):
        self.open = True


def _timed_cast(client, ctx):
    from stratus import exception
    started = time.monotonic()
    try:
        client.cast(ctx, "bench_noop")
        outcome = "sent"
    except exception.BrokerUnavailable:
        outcome = "503"
    return outcome, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=5.0,
                        help="[api] rpc_unavailable_timeout")
    args = parser.parse_args()
    from stratus import conf as stratus_conf
    from stratus import context
    from stratus import rpc
    conf = stratus_conf.build_conf()
    rabbit = urllib.parse.urlsplit(deploy.RABBIT)
    proxy = CuttableProxy((rabbit.hostname, rabbit.port or 5672))
    proxied = deploy.RABBIT.replace(rabbit.netloc, "%s@127.0.0.1:%d" % (
        rabbit.netloc.rsplit("@", 1)[0], proxy.port))
    transport = rpc.Messaging(conf, url=proxied)
    messaging = transport.bounded(args.timeout)
    client = messaging.client("bench_broker_cut", "1.0")
    ctx = context.get_admin_context()
    rows = [("broker up", _timed_cast(client, ctx))]
    proxy.cut()
    rows.append(("broker cut", _timed_cast(client, ctx)))
    rows.append(("broker cut, again", _timed_cast(client, ctx)))
    proxy.restore()
    rows.append(("broker back, first", _timed_cast(client, ctx)))
    rows.append(("broker back, second", _timed_cast(client, ctx)))
    messaging.cleanup()
    closed = rpc.Messaging(conf, url="rabbit://guest:guest@127.0.0.1:%d/"
                           % deploy.free_port()).bounded(args.timeout)
    rows.append(("closed port", _timed_cast(
        closed.client("bench_broker_cut", "1.0"), ctx)))
    closed.cleanup()
    print("rpc_unavailable_timeout %.1f s" % args.timeout)
    print("%-22s %-8s %8s" % ("case", "outcome", "seconds"))
    for name, (outcome, seconds) in rows:
        print("%-22s %-8s %8.2f" % (name, outcome, seconds))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "results", "broker-cut.json")
    with open(out, "w") as handle:
        json.dump({"rpc_unavailable_timeout": args.timeout,
                   "cases": [{"case": name, "outcome": outcome,
                              "seconds": round(seconds, 3)}
                             for name, (outcome, seconds) in rows]},
                  handle, indent=2)
    print("wrote %s" % out)


if __name__ == "__main__":
    main()
