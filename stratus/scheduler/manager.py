"""The scheduler service's RPC endpoint."""
import logging
import random
import threading

import oslo_messaging

from stratus import exception
from stratus import retry
from stratus.db.types import utcnow
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import instance_group as group_obj
from stratus.objects import selection as selection_obj
from stratus.observability import metrics as stratus_metrics
from stratus.placement import allocations
from stratus.placement import exception as placement_exception
from stratus.scheduler import filters
from stratus.scheduler import group_claims
from stratus.scheduler import host_state
from stratus.scheduler import outage
from stratus.scheduler import placement_query
from stratus.scheduler import resources as request_resources
from stratus.scheduler import weighers

LOG = logging.getLogger(__name__)
NOT_ENOUGH_HOSTS = "There are not enough hosts available."
# Seconds between host discoveries with discover_hosts_in_cells_interval 0.
DEFAULT_DISCOVERY_INTERVAL = 60


class SchedulerManager:
    target = oslo_messaging.Target(version="1.0")

    def __init__(self, conf, messaging, databases):
        self.conf = conf
        self.databases = databases
        self.host_manager = host_state.HostManager(conf)
        self.filters = filters.load_filters(conf)
        self.weighers = weighers.load_weighers(conf)
        self.metrics = stratus_metrics.for_conf(conf)
        # One decision at a time in this process: each request then sees
        # the claims of the one before it, instead of several concurrent
        # requests reading one snapshot and all picking its best host.
        # (Placement's generation checks keep several scheduler
        # processes correct; the GIL leaves little to gain from running
        # one process's decisions side by side.)
        self._deciding = threading.Lock()

    def init_host(self):
        pass

    def periodic_tasks(self):
        # Keeps the host cache warm: a request finds the topology fresh
        # instead of reading it (at 50,000 nodes, the first full read
        # takes seconds).
        tasks = [(max(self.conf.scheduler.host_cache_seconds, 1.0),
                  self.host_manager.refresh)]
        interval = self.conf.scheduler.discover_hosts_in_cells_interval
        if interval >= 0:
            tasks.append((interval or DEFAULT_DISCOVERY_INTERVAL,
                          self.discover_hosts_in_cells))
        return tasks

    def discover_hosts_in_cells(self, ctx):
        """Map the compute hosts that registered in a cell without a host
        mapping (``[scheduler] discover_hosts_in_cells_interval``)."""
        try:
            created = host_mapping_obj.discover_hosts(ctx)
        except exception.HostMappingExists as error:
            LOG.error("Host discovery found a host mapped meanwhile (%s): "
                      "enable [scheduler] discover_hosts_in_cells_interval "
                      "on one scheduler only, and do not run "
                      "discover_hosts while it is on.", error)
            return
        if created:
            LOG.info("Discovered %d new hosts: %s", len(created),
                     ", ".join("%s:%s" % (mapping.cell_mapping.uuid,
                                          mapping.host)
                               for mapping in created))

    @oslo_messaging.expected_exceptions(exception.DatabaseUnreachable)
    def select_destinations(self, ctx, request_spec, instance_uuids,
                            return_alternates=True):
        """A database that cannot be reached is waited for, as by the
        conductor, for [conductor] db_retry_seconds: a refused connection
        is tried again, a decision cut off by a lost connection is made
        again (its claims are for the same consumers: made again, not
        doubled)."""
        seconds = self.conf.conductor.db_retry_seconds
        with retry.patient(seconds):
            return retry.retry_while(
                exception.DatabaseUnreachable,
                lambda: self._decide(ctx, request_spec, instance_uuids,
                                     return_alternates),
                seconds, "Scheduling %s" % ", ".join(instance_uuids))

    def _decide(self, ctx, request_spec, instance_uuids, return_alternates):
        # Computes that all went quiet at once (a broker outage) are
        # waited for, not failed for (scheduler/outage.py).
        # A first NoValidHost is tried again on a fresh view of the
        # hosts: computes may have come back since the cached one.
        hold = outage.OutageHold(self.conf)
        fresh = self.conf.scheduler.host_cache_seconds <= 0
        # When the view of the hosts the decision used was read (None: a
        # cached one, of unknown age).
        viewed_at = utcnow() if fresh else None
        with self.metrics.time_scheduler_decision() as decision:
            while True:
                try:
                    with self._deciding:
                        selections = self._select_destinations(
                            ctx, request_spec, instance_uuids,
                            return_alternates)
                except exception.NoValidHost:
                    if not fresh or hold.wait_for_heartbeats(ctx,
                                                             viewed_at):
                        fresh = True
                        viewed_at = utcnow()
                        self.host_manager.refresh(ctx)
                        continue
                    decision.outcome = "no_valid_host"
                    raise
                decision.outcome = "selected"
                return selections

    def _select_destinations(self, ctx, request_spec, instance_uuids,
                             return_alternates):
        resources = request_resources.from_request_spec(request_spec)
        try:
            hosts = self.host_manager.host_states(
                ctx, placement_query.candidate_query(
                    ctx, self.conf, request_spec, resources),
                request_spec.get("ignore_hosts") or ())
        except (placement_exception.ResourceClassNotFound,
                placement_exception.TraitNotFound) as exc:
            raise exception.NoValidHost(reason=exc.format_message())
        cell_uuid = request_spec.get("requested_cell_uuid")
        if cell_uuid:
            # A move that may not leave its cell.
            hosts = [host for host in hosts if host.cell_uuid == cell_uuid]
        self._load_group(ctx, request_spec, instance_uuids)
        pipeline = (filters.for_request(self.filters, ctx, request_spec),
                    weighers.for_request(self.weighers, ctx, request_spec))
        alternates = self.conf.scheduler.max_attempts - 1
        claimed = []
        results = []
        try:
            for instance_uuid in instance_uuids:
                chosen, ranked = self._claim_best(ctx, request_spec,
                                                  instance_uuid, hosts,
                                                  resources, pipeline)
                claimed.append(instance_uuid)
                others = [host for host in ranked if host is not chosen
                          and host.cell_uuid == chosen.cell_uuid]
                picks = [chosen] + (others[:alternates]
                                    if return_alternates else [])
                results.append([_selection(host, resources)
                                for host in picks])
        except Exception:
            move_consumer = request_spec.get("move_consumer_uuid")
            for instance_uuid in claimed:
                if move_consumer:
                    allocations.revert_move(ctx, instance_uuid,
                                            move_consumer)
                else:
                    allocations.remove_consumer(ctx, instance_uuid)
            if claimed and request_spec.get("instance_group") is not None:
                group_obj.forget_host(ctx, claimed)
            raise
        return results

    @staticmethod
    def _load_group(ctx, spec, instance_uuids):
        """spec.instance_group: the group the servers join, with the
        hosts of its members placed so far (the filters' and weighers'
        snapshot; the claim re-checks hard policies under the group's
        lock)."""
        group_uuid = spec.get("instance_group_uuid")
        if not group_uuid:
            spec.instance_group = None
            return
        try:
            group = group_obj.InstanceGroup.get_by_uuid(ctx, group_uuid)
        except exception.InstanceGroupNotFound:
            raise exception.NoValidHost(
                reason="Server group %s was deleted" % group_uuid)
        group.load_hosts(ctx, exclude=instance_uuids)
        spec.instance_group = group

    def _claim_best(self, ctx, spec, instance_uuid, hosts, resources,
                    pipeline):
        """Claim on the best host that still fits: (that host, the ranked
        candidates). Hosts a claim finds full leave the request's view.
        pipeline: the (filters, weighers) prepared for this request."""
        request_filters, request_weighers = pipeline
        passing = filters.filter_hosts(request_filters, hosts, spec,
                                       resources)
        ranked = self._ranked(passing, spec, request_weighers)
        group = spec.get("instance_group")
        for host in ranked:
            if group is not None and not group.admits(host.host):
                continue
            try:
                self._claim(ctx, spec, instance_uuid, host, resources)
            except placement_exception.AllocationRejected as exc:
                self.metrics.placement_claims.labels("conflict").inc()
                LOG.debug("Claim for %s on %s rejected: %s", instance_uuid,
                          host, exc)
                hosts.remove(host)
                continue
            except exception.GroupPolicyViolation as exc:
                self.metrics.placement_claims.labels("conflict").inc()
                # Other requests placed members meanwhile: see where.
                LOG.debug("Claim for %s: %s", instance_uuid, exc)
                group.hosts = exc.hosts
                continue
            self.metrics.placement_claims.labels("success").inc()
            host.consume(resources)
            if group is not None:
                group.hosts = list(group.hosts) + [host.host]
            return host, ranked
        raise exception.NoValidHost(reason=NOT_ENOUGH_HOSTS)

    @staticmethod
    def _claim(ctx, spec, instance_uuid, host, resources):
        requested = {host.uuid: resources}
        group = spec.get("instance_group")
        # A move: the server's current allocations go to the migration's
        # consumer in the claim's transaction.
        move_consumer = spec.get("move_consumer_uuid")
        # A new server's claim never replaces one: a claim that stands
        # was made for it by a conductor that resumed its build after its
        # first conductor died (this request is that dead one's).
        if group is not None:
            group_claims.claim(ctx, group, instance_uuid, host.host,
                               spec.project_id, spec.user_id, requested,
                               move_consumer=move_consumer,
                               new_consumer=not move_consumer)
        elif move_consumer:
            allocations.claim_move(ctx, instance_uuid, move_consumer,
                                   spec.project_id, spec.user_id, requested)
        else:
            allocations.claim(ctx, instance_uuid, spec.project_id,
                              spec.user_id, requested, new_consumer=True)

    def _ranked(self, hosts, spec, request_weighers):
        weighed = weighers.weigh(request_weighers, hosts, spec)
        options = self.conf.filter_scheduler
        if options.shuffle_best_same_weighed_hosts and weighed:
            best = [pair for pair in weighed if pair[0] == weighed[0][0]]
            random.shuffle(best)
            weighed[:len(best)] = best
        ranked = [host for _weight, host in weighed]
        subset = min(options.host_subset_size, len(ranked))
        if subset > 1:
            ranked.insert(0, ranked.pop(random.randrange(subset)))
        return ranked


def _selection(host, resources):
    return selection_obj.Selection(
        service_host=host.host, nodename=host.nodename,
        compute_node_uuid=host.uuid, compute_node_id=host.node.id,
        cell_uuid=host.cell_uuid, limits=None,
        availability_zone=host.availability_zone,
        allocation_request=allocations.to_allocation_request(
            {host.uuid: resources}))
