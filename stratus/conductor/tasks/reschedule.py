"""Reschedule: a compute failed to spawn a server; move it to the next
alternate host that still has room, or put it in ERROR when none is left
(MaxRetriesExceeded, recorded as the server's fault).

An alternate of a member of a server group with a hard policy is claimed
the way the scheduler claims (group_claims): atomically with the policy,
which other members may have made stricter since the selection.

A cell conductor (no API database, no scheduler on its message queue)
claims alternates over placement's REST API and then checks a hard
group's policy against the hosts of the group's members in its cell
while taking the host, in one cell transaction that locks the members
(the group travels with the build, RequestSpec.instance_group, as in
Nova; group_claims.claim_in_cell), so that concurrent reschedules of
members never both take a host the policy allows once; it gives up on a
reschedule without alternates: ERROR with the reason."""
import logging

from stratus.compute import rpcapi as compute_rpcapi
from stratus.conductor import placement_report
from stratus import exception
from stratus.objects import fields
from stratus.objects import instance_fault as instance_fault_obj
from stratus.objects import instance_group as instance_group_obj
from stratus.objects import instance_queries
from stratus.placement import allocations
from stratus.placement import exception as placement_exception
from stratus.scheduler import group_claims
from stratus.scheduler import rpcapi as scheduler_rpcapi

LOG = logging.getLogger(__name__)

TaskState = fields.TaskState
BUILD_TASK_STATES = [TaskState.SCHEDULING, TaskState.BLOCK_DEVICE_MAPPING,
                     TaskState.NETWORKING, TaskState.SPAWNING]
_GONE = (exception.InstanceNotFound, exception.UnexpectedTaskStateError)


class RescheduleTask:

    def __init__(self, conf, messaging):
        self.conf = conf
        self.compute = compute_rpcapi.ComputeAPI(messaging)
        self.scheduler = scheduler_rpcapi.SchedulerAPI(messaging)

    def reschedule_build(self, cctx, instance, request_spec, alternates,
                         reason, admin_password, injected_files):
        """alternates None: unknown (a build sent again after a crash
        does not have them): the scheduler chooses again, with a full
        set of alternates."""
        placement_report.of(cctx).remove_consumer(cctx, instance.uuid)
        api_level = placement_report.has_api(cctx)
        if alternates is None and request_spec is not None and api_level:
            self._schedule_again(cctx, instance, request_spec, reason,
                                 admin_password, injected_files)
            return
        if alternates is None and not api_level:
            reason = ("%s; no alternate hosts, and a cell conductor cannot "
                      "schedule again" % reason)
        alternates = alternates or []
        group = (hard_group(cctx, request_spec) if api_level
                 else cell_group(cctx, request_spec, instance))
        for index, selection in enumerate(alternates):
            if not claim_alternate(cctx, group, instance, selection):
                continue
            self._send(cctx, instance, request_spec, selection,
                       alternates[index + 1:], reason, admin_password,
                       injected_files)
            return
        give_up(cctx, instance, reason)

    def abort_build(self, cctx, instance, reason):
        """The build ends here: ERROR with BuildAbortException."""
        placement_report.of(cctx).remove_consumer(cctx, instance.uuid)
        give_up(cctx, instance, reason, exception.BuildAbortException(
            instance_uuid=instance.uuid, reason=reason))

    def _schedule_again(self, cctx, instance, request_spec, reason,
                        admin_password, injected_files):
        try:
            hosts = self.scheduler.select_destinations(
                cctx, request_spec, [instance.uuid],
                return_alternates=True)[0]
        except Exception as exc:  # noqa: BLE001 - no host (or no answer): the build ends ERROR
            give_up(cctx, instance, "%s; then: %s" % (
                reason, getattr(exc, "format_message", exc.__str__)()))
            return
        self._send(cctx, instance, request_spec, hosts[0], hosts[1:],
                   reason, admin_password, injected_files)

    def _send(self, cctx, instance, request_spec, selection, alternates,
              reason, admin_password, injected_files):
        """The build to the claimed selection's host, with what is left
        of the alternates."""
        uuid = instance.uuid
        failed_host = instance.host
        instance.host = selection.service_host
        instance.node = selection.nodename
        instance.compute_id = selection.get("compute_node_id")
        instance.availability_zone = selection.availability_zone
        instance.task_state = TaskState.SCHEDULING
        try:
            instance.save(expected_task_state=BUILD_TASK_STATES)
        except _GONE:
            LOG.info("Server %s was deleted during its reschedule", uuid)
            placement_report.of(cctx).remove_consumer(cctx, uuid)
            return
        LOG.info("Rescheduling %s from %s to %s: %s", uuid, failed_host,
                 selection.service_host, reason)
        self.compute.build_and_run_instance(
            cctx, selection.service_host, instance, request_spec,
            alternates, admin_password, injected_files)


def give_up(cctx, instance, reason, error=None):
    """ERROR with the fault error (by default MaxRetriesExceeded), reason
    (the last host's error) in its details; its claim is the caller's to
    free. A cell conductor leaves the group's record of the member's
    host (API database) as it is."""
    if placement_report.has_api(cctx):
        instance_group_obj.forget_host(cctx, [instance.uuid])
    if error is None:
        error = exception.MaxRetriesExceeded(
            reason="Exhausted all hosts available for retrying build "
                   "failures for instance %s." % instance.uuid)
    LOG.warning("Server %s failed to build: %s (last error: %s)",
                instance.uuid, error, reason)
    # The fault first: whoever sees the server in ERROR sees why (the
    # last host's error in the details, which admins see).
    instance_fault_obj.InstanceFault.from_exception(
        instance.uuid, error, exc_tb="Last error: %s" % reason,
        host=instance.host).create(cctx)
    instance.vm_state = fields.VMState.ERROR
    instance.task_state = None
    try:
        instance.save(expected_task_state=BUILD_TASK_STATES)
    except _GONE:
        pass


def claim_alternate(ctx, group, instance, selection, move_consumer=None):
    """Claim an alternate Selection's allocation request for the server
    (atomically with a hard group's policy: group); whether it could.
    move_consumer: a move's migration, whose consumer keeps (or takes)
    the server's source in the same transaction."""
    requested = allocations.from_allocation_request(
        selection.allocation_request)
    if group is not None and not placement_report.has_api(ctx):
        return _claim_in_cell(ctx, group, instance, selection, requested)
    try:
        if group is not None:
            group_claims.claim(ctx, group, instance.uuid,
                               selection.service_host, instance.project_id,
                               instance.user_id, requested,
                               move_consumer=move_consumer)
        elif move_consumer is not None:
            allocations.claim_move(ctx, instance.uuid, move_consumer,
                                   instance.project_id, instance.user_id,
                                   requested)
        else:
            placement_report.of(ctx).claim(
                ctx, instance.uuid, instance.project_id, instance.user_id,
                requested)
    except (placement_exception.AllocationRejected,
            placement_exception.ResourceProviderNotFound,
            exception.GroupPolicyViolation) as exc:
        LOG.info("Alternate %s cannot take %s: %s", selection.service_host,
                 instance.uuid, exc)
        return False
    return True


def _claim_in_cell(cctx, group, instance, selection, requested):
    """A cell conductor's claim of an alternate for a member of a hard
    group: placement over REST, then the policy checked and the host
    taken in one cell transaction (group_claims.claim_in_cell); the
    placement claim undone when the policy refuses the host."""
    host = selection.service_host
    if not group.admits(host):
        # As the build knew the members: no claim to undo.
        LOG.info("Alternate %s cannot take %s: the %s policy of group %s",
                 host, instance.uuid, group.policy, group.uuid)
        return False
    report = placement_report.of(cctx)
    try:
        report.claim(cctx, instance.uuid, instance.project_id,
                     instance.user_id, requested)
    except (placement_exception.AllocationRejected,
            placement_exception.ResourceProviderNotFound) as exc:
        LOG.info("Alternate %s cannot take %s: %s", host, instance.uuid, exc)
        return False
    try:
        group_claims.claim_in_cell(cctx, group, instance.uuid, host)
    except exception.GroupPolicyViolation as exc:
        LOG.info("Alternate %s cannot take %s: %s", host, instance.uuid, exc)
        report.remove_consumer(cctx, instance.uuid)
        return False
    return True


def hard_group(ctx, request_spec):
    """The server's group, when its policy is hard; None otherwise."""
    group_uuid = (request_spec.get("instance_group_uuid")
                  if request_spec is not None else None)
    if not group_uuid:
        return None
    try:
        group = instance_group_obj.InstanceGroup.get_by_uuid(ctx, group_uuid)
    except exception.InstanceGroupNotFound:
        return None
    return group if group.is_hard else None


def cell_group(cctx, request_spec, instance):
    """A cell conductor's view of the server's hard group: the one the
    build carried, with the hosts of its other members in this cell as
    its database has them now; None without one."""
    group = (request_spec.get("instance_group")
             if request_spec is not None else None)
    if group is None or not group.is_hard:
        return None
    group = group.obj_clone()
    group.hosts = instance_queries.hosts_in_cell(
        cctx, [uuid for uuid in group.get("members") or []
              if uuid != instance.uuid])
    return group
