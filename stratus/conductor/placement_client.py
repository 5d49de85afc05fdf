"""The Placement REST API client of a cell conductor (placement_report's
REST implementation): what compute_report and the compute-facing tasks
do in SQL where the API database is at hand, over a keystoneauth
session of ``[placement]`` as Nova's report client:

- root providers with VCPU / MEMORY_MB / DISK_GB inventories, written
  with the provider generation read, a 409 (another writer) read again
  and retried;
- traits: the compute's own kept in step, the operator's left alone;
- a consumer's allocations removed;
- a reschedule's alternate claimed (PUT /allocations with the consumer
  generation, 1.28).

What it last wrote is remembered per provider for placement_memory's
REFRESH seconds (placement_memory.Written, as Nova's
resource_provider_association_refresh), so a compute's periodic report
of unchanged nodes costs no request, and a provider deleted meanwhile
comes back within that time.

A new provider costs three requests, not six: it is created without
reading it first (a 409 then reads it), and the inventories and traits
it is known to have (none, from its creation; then what the last PUT
answered) are written with the generation last seen, without reading
them first; a write refused for its generation reads them and goes on
as before. What is known only ever decides a write: when it says that
nothing is to change, the provider is read."""
import logging
import threading
import time

from stratus.conductor import placement_memory
from stratus.placement import exception as placement_exception

LOG = logging.getLogger(__name__)

MICROVERSION = "1.36"
# Generation conflicts retried before giving up.
ATTEMPTS = 10
# What is remembered of a provider's state besides its generation.
KNOWN_KEYS = ("inventories", "traits")


class RestReport:

    in_process = False

    def __init__(self, adapter):
        self.adapter = adapter
        self._lock = threading.Lock()
        self._written = placement_memory.Written()
        # uuid -> {"resource_provider_generation": g, "inventories": {...},
        # "traits": [...]} as this conductor last created or wrote it (a
        # key absent: not known).
        self._known = {}

    @classmethod
    def from_conf(cls, conf, group="placement"):
        from keystoneauth1 import loading as ks_loading
        auth = ks_loading.load_auth_from_conf_options(conf, group)
        session = ks_loading.load_session_from_conf_options(conf, group,
                                                            auth=auth)
        return cls(ks_loading.load_adapter_from_conf_options(
            conf, group, session=session, auth=auth))

    # HTTP ------------------------------------------------------------------

    def _request(self, method, url, ctx=None, body=None):
        headers = {"OpenStack-API-Version": "placement " + MICROVERSION}
        request_id = ctx and (ctx.global_request_id or ctx.request_id)
        if request_id:
            headers["X-OpenStack-Request-ID"] = request_id
        kwargs = {"headers": headers, "raise_exc": False}
        if body is not None:
            kwargs["json"] = body
        from keystoneauth1 import exceptions as ks_exceptions
        try:
            return self.adapter.request(url, method, **kwargs)
        except ks_exceptions.ConnectionError as exc:
            # Placement away (stratus api starting, restarting): the
            # compute's next report tries again.
            raise placement_exception.PlacementUnavailable(
                status="nothing", what="%s %s" % (method, url),
                detail=exc) from exc

    @staticmethod
    def _fail(response, what):
        try:
            errors = response.json().get("errors") or [{}]
            detail = errors[0].get("detail", response.text)
        except ValueError:
            detail = response.text
        raise placement_exception.PlacementUnavailable(status=response.status_code, what=what,
                                   detail=detail)

    @staticmethod
    def _code(response):
        try:
            return (response.json().get("errors") or [{}])[0].get("code")
        except ValueError:
            return None

    def _retried(self, write, what):
        """write() -> response, run again after a generation conflict."""
        for attempt in range(ATTEMPTS):
            response = write()
            if response.status_code == 409 and self._code(response) == \
                    "placement.concurrent_update":
                time.sleep(0.01 * attempt)
                continue
            return response
        raise placement_exception.ConcurrentUpdate(what=what)

    # Providers ---------------------------------------------------------------

    def ensure_root_providers(self, ctx, wanted):
        """Each uuid of wanted ({uuid: (name, {class: Inventory})}) a root
        provider of that name with exactly those inventories; the uuids
        created."""
        created = set()
        for uuid, (name, inventories) in wanted.items():
            rows = {cls: _inventory_body(inv)
                    for cls, inv in inventories.items()}
            if self._written.fresh("inventories", uuid, (name, rows)):
                continue
            if self._ensure_provider(ctx, uuid, name):
                created.add(uuid)
            self._put_inventories(ctx, uuid, rows)
            self._written.remember("inventories", {uuid: (name, rows)})
        return created

    def _ensure_provider(self, ctx, uuid, name):
        """Whether it created it: created at once; when that conflicts
        (it exists: made by an earlier report, or by another conductor
        of the cell meanwhile), read and renamed if its name differs."""
        response = self._request("POST", "/resource_providers", ctx,
                                 {"uuid": uuid, "name": name})
        if response.status_code in (200, 201):
            with self._lock:
                self._known[uuid] = {
                    "resource_provider_generation":
                        response.json()["generation"],
                    "inventories": {}, "traits": []}
            return True
        if response.status_code != 409:
            self._fail(response, "creating provider %s" % uuid)
        url = "/resource_providers/%s" % uuid
        found = self._request("GET", url, ctx)
        if found.status_code == 404:
            self._fail(response, "creating provider %s" % uuid)
        if found.status_code != 200:
            self._fail(found, "reading provider %s" % uuid)
        if found.json()["name"] != name:
            renamed = self._request("PUT", url, ctx, {"name": name})
            if renamed.status_code != 200:
                self._fail(renamed, "renaming provider %s" % uuid)
        return False

    def _put_inventories(self, ctx, uuid, rows):
        def change(current):
            if _same_inventories(current["inventories"], rows):
                return None
            return {"inventories": rows}
        self._update(ctx, uuid, "inventories", change,
                     "inventories of %s" % uuid)

    def _update(self, ctx, uuid, key, change, what):
        """PUT change(body) of the provider's key (inventories or traits;
        change: None when nothing is to change) with its generation: at
        once when what is known of it asks for a write, else (and after
        a generation conflict) as read, again after a conflict."""
        url = "/resource_providers/%s/%s" % (uuid, key)
        read = {}

        def put(body, wanted):
            return self._request("PUT", url, ctx, dict(
                wanted, resource_provider_generation=body[
                    "resource_provider_generation"]))

        def write():
            current = self._request("GET", url, ctx)
            if current.status_code != 200:
                self._fail(current, "reading " + what)
            read["body"] = body = current.json()
            wanted = change(body)
            if wanted is None:
                return current
            return put(body, wanted)
        known = self._known_body(uuid, key)
        wanted = change(known) if known is not None else None
        response = put(known, wanted) if wanted is not None else None
        if response is None or response.status_code == 409:
            response = self._retried(write, what)
        if response.status_code != 200:
            with self._lock:
                self._known.pop(uuid, None)
            self._fail(response, "writing " + what)
        self._learn(uuid, key, read.get("body") or known,
                    response.json())

    def _known_body(self, uuid, key):
        with self._lock:
            known = self._known.get(uuid)
            if known is None or key not in known:
                return None
            return {key: known[key], "resource_provider_generation":
                    known["resource_provider_generation"]}

    def _learn(self, uuid, key, before, after):
        """What the provider's key is after a write (or a read that found
        nothing to change: after is before). Its other key stays known
        only when the generation moved by this write alone."""
        with self._lock:
            known = self._known.get(uuid) or {}
            generation = after["resource_provider_generation"]
            base = before["resource_provider_generation"]
            alone = (known.get("resource_provider_generation") == base
                     and generation in (base, base + 1))
            kept = {other: value for other, value in known.items()
                    if other in KNOWN_KEYS and other != key} if alone else {}
            kept[key] = after[key]
            kept["resource_provider_generation"] = generation
            self._known[uuid] = kept

    # Traits ------------------------------------------------------------------

    def sync_traits(self, ctx, wanted, owned):
        """Each provider of wanted ({uuid: {trait}}) has the traits wanted;
        those owned(name) says are the compute's and are not wanted go,
        the others stay."""
        for uuid, names in wanted.items():
            names = set(names)
            if self._written.fresh("traits", uuid, names):
                continue
            self._sync_one(ctx, uuid, names, owned)
            self._written.remember("traits", {uuid: names})

    def _sync_one(self, ctx, uuid, names, owned):
        def change(current):
            have = set(current["traits"])
            target = {name for name in have if not owned(name)} | names
            return None if target == have else {"traits": sorted(target)}
        self._update(ctx, uuid, "traits", change, "traits of %s" % uuid)

    # Allocations ---------------------------------------------------------------

    def remove_consumer(self, ctx, consumer_uuid):
        """Its allocations deleted (another writer to one of its providers
        meanwhile: deleted again)."""
        url = "/allocations/%s" % consumer_uuid
        response = self._retried(lambda: self._request("DELETE", url, ctx),
                                 "allocations of %s" % consumer_uuid)
        if response.status_code not in (204, 404):
            self._fail(response, "removing allocations of %s"
                       % consumer_uuid)

    def claim(self, ctx, consumer_uuid, project_id, user_id, requested):
        """The consumer's allocations become requested ({provider:
        {class: amount}}), written with the consumer generation read
        (1.28); AllocationRejected when they do not fit (or a provider
        is gone)."""
        url = "/allocations/%s" % consumer_uuid

        def write():
            current = self._request("GET", url, ctx)
            if current.status_code != 200:
                self._fail(current, "reading allocations of %s"
                           % consumer_uuid)
            return self._request("PUT", url, ctx, {
                "allocations": {rp: {"resources": dict(resources)}
                                for rp, resources in requested.items()},
                "project_id": project_id, "user_id": user_id,
                "consumer_generation":
                    current.json().get("consumer_generation")})
        response = self._retried(write, "allocations of %s" % consumer_uuid)
        if response.status_code == 204:
            return
        if response.status_code in (400, 409):
            try:
                detail = response.json()["errors"][0]["detail"]
            except (ValueError, KeyError, IndexError):
                detail = response.text
            raise placement_exception.AllocationRejected(detail)
        self._fail(response, "claiming for %s" % consumer_uuid)


def _inventory_body(inventory):
    body = {"total": inventory.total, "reserved": inventory.reserved,
            "allocation_ratio": inventory.allocation_ratio}
    for name in ("min_unit", "max_unit", "step_size"):
        value = getattr(inventory, name, None)
        if value is not None:
            body[name] = value
    return body


def _same_inventories(current, rows):
    if set(current) != set(rows):
        return False
    return all(current[cls].get(key) == value
               for cls, row in rows.items() for key, value in row.items())
