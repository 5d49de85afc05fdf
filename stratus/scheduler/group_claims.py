"""Claims for members of a server group with a hard policy, atomic with
the policy check (docs/decisions/0006-server-group-claims.md).

One API DB transaction: lock the group (bump its generation: a row lock
held to commit on PostgreSQL and MariaDB, the database write lock on
SQLite), read the hosts of its other members, refuse a host the policy
forbids, claim in placement, and record the member's host. Claims into
one group therefore run one after another, each seeing every host the
earlier ones chose, whatever the number of scheduler processes; claims
into different groups, or without a group, do not wait for each other.
"""
from stratus import exception
from stratus.objects import instance_group as group_obj
from stratus.objects import instance_queries
from stratus.placement import allocations
from stratus.placement import providers


def claim(ctx, group, instance_uuid, host, project_id, user_id,
          requested, move_consumer=None, new_consumer=False):
    """Claim requested ({provider uuid: {class: amount}}) for the member
    instance_uuid on host and record host as the member's; for a hard
    policy only if it admits host given where the other members are
    (exception.GroupPolicyViolation otherwise). Placement's AllocationRejected and
    ResourceProviderNotFound as for any claim.

    group: the InstanceGroup (its policy and rules; the hosts of its
    members are read afresh under the lock). move_consumer: a move's
    migration uuid (its consumer takes what the server holds now, in the
    same transaction: allocations.claim_in_move). new_consumer: as
    allocations.claim's.
    """
    providers.retry_on_conflict(_claim, ctx, group, instance_uuid, host,
                                project_id, user_id, requested,
                                move_consumer, new_consumer)


def _claim(ctx, group, instance_uuid, host, project_id, user_id, requested,
           move_consumer, new_consumer=False):
    with ctx.api_db.writer() as session:
        if group.is_hard:
            _check_under_lock(session, group, instance_uuid, host)
        if move_consumer is not None:
            allocations.claim_in_move(session, instance_uuid, move_consumer,
                                      project_id, user_id, requested)
        else:
            allocations.claim_in_session(session, instance_uuid, project_id,
                                         user_id, requested, new_consumer)
        # No row when the server was deleted while it was scheduled: the
        # conductor then drops the claim with the server.
        group_obj.record_member_host(session, group.id, instance_uuid, host)


def _check_under_lock(session, group, instance_uuid, host):
    # The lock comes first: on MariaDB and PostgreSQL every read after it
    # sees what the group's previous claim committed.
    group_obj.lock(session, group)
    _refuse_unless_admitted(group, host, group_obj.member_hosts(
        session, group.id, exclude=[instance_uuid]))


def _refuse_unless_admitted(group, host, hosts):
    current = group.obj_clone()
    current.hosts = hosts
    if not current.admits(host):
        raise exception.GroupPolicyViolation(group, host, hosts)


def claim_in_cell(cctx, group, instance_uuid, host):
    """A cell conductor's late check (it has no API database): in one
    transaction of its cell's database, lock the rows of the group's
    members there, refuse host when the hard policy forbids it given
    their hosts (GroupPolicyViolation), else record host as the
    server's. Checks of members of one group therefore run one after
    another, each seeing the host the earlier ones took; as Nova's
    compute checks the group under a lock on it
    (_validate_instance_group_policy). The placement claim is the
    caller's, made before: undone by it on a refusal.

    group: the group the build carried (RequestSpec.instance_group), its
    members as the build knew them."""
    members = set(group.get("members") or []) | {instance_uuid}
    with cctx.cell_db.writer() as session:
        hosts = instance_queries.lock_member_hosts(
            session, sorted(members), exclude=instance_uuid)
        _refuse_unless_admitted(group, host, hosts)
        instance_queries.set_host(session, instance_uuid, host)
