"""The whole in-process cloud with several compute services, one per
host (Nova's per-host policies need distinct service hosts)."""
import concurrent.futures

from tests.functional import cloud as cloud_harness


class ManyHosts:
    """The cloud plus extra compute services, one per host."""

    def __init__(self, running, hosts):
        self.cloud = running
        self.api = cloud_harness.StackClient(running.apps["compute"])
        self.demo = self.api.as_user(cloud_harness.DEMO)
        self.extra = []
        for index in range(1, hosts):
            self.extra.append(running.compute_service("host%02d" % index))
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda svc: svc.start(), self.extra))
        self.image = self.api.first_image_id()
        self.api.put("/os-quota-sets/demo", {"quota_set": dict.fromkeys(
            ("instances", "cores", "ram", "server_group_members"), -1)})

    def stop(self):
        with concurrent.futures.ThreadPoolExecutor(
                max(len(self.extra), 1)) as pool:
            list(pool.map(lambda svc: svc.stop(), self.extra))
        self.cloud.stop()

    def group(self, policy, rules=None):
        body = {"name": "g-" + policy, "policy": policy}
        if rules:
            body["rules"] = rules
        return self.demo.post("/os-server-groups", {"server_group": body},
                              version="2.64")["server_group"]["id"]

    def boot(self, client=None, name="vm", hints=None, **server):
        """POST /servers; the new server's id."""
        body = {"server": dict({"name": name, "flavorRef": "1",
                                "imageRef": self.image, "networks": "none"},
                               **server)}
        if hints is not None:
            body["os:scheduler_hints"] = hints
        return (client or self.demo).post("/servers", body)["server"]["id"]

    def settled(self, server_id):
        return self.api.wait_for_status(server_id, {"ACTIVE", "ERROR"},
                                        timeout=120)

    def boot_in_parallel(self, group_id, count):
        """count servers, each its own request, all at once; the
        settled servers (ACTIVE or ERROR)."""
        with concurrent.futures.ThreadPoolExecutor(count) as pool:
            ids = list(pool.map(lambda index: self.boot(
                name="vm%d" % index, hints={"group": group_id}),
                range(count)))
        return [self.settled(server_id) for server_id in ids]
