"""Server group filters and weighers, and the scheduler's atomic group
claims (several schedulers racing into one group, on every database)."""
import concurrent.futures
import datetime
import uuid

import pytest

from stratus import context
from stratus import exception
from stratus.objects import compute_node
from stratus.objects import instance_group as group_obj
from stratus.objects import instance_mapping
from stratus.objects import service as service_obj
from stratus.placement import providers
from stratus.placement import usages
from stratus.scheduler import group_claims
from stratus.scheduler import host_state
from stratus.scheduler import manager as scheduler_manager
from stratus.scheduler import weighers
from stratus.scheduler.filters import server_group_affinity_filter
from stratus.scheduler.filters import server_group_anti_affinity_filter
from tests.unit.scheduler import hosts as test_hosts


def _host(name):
    node = compute_node.ComputeNode(
        host=name, hypervisor_hostname=name + "-n",
        uuid=str(uuid.uuid4()))
    service = service_obj.Service(
        host=name, binary="nova-compute", disabled=False, forced_down=False,
        last_seen_up=datetime.datetime.now(datetime.timezone.utc))
    summary = usages.ProviderSummary(node.uuid, 1, {
        "MEMORY_MB": providers.Inventory(total=1024)}, {})
    return host_state.HostState(node, service, "nova", summary)


def _spec(policy, hosts=(), rules=None):
    spec = test_hosts.request_spec()
    spec.instance_group = group_obj.InstanceGroup(
        uuid=str(uuid.uuid4()), policy=policy, rules=rules or {},
        hosts=list(hosts), members=[])
    return spec


def test_affinity_filter_keeps_to_the_members_host(conf):
    check = server_group_affinity_filter.ServerGroupAffinityFilter(conf)
    assert check.host_passes(_host("a"), _spec("affinity"), {})
    assert check.host_passes(_host("a"), _spec("affinity", ["a"]), {})
    assert not check.host_passes(_host("b"), _spec("affinity", ["a"]), {})
    # Other policies and requests without a group pass.
    assert check.host_passes(_host("b"), _spec("anti-affinity", ["a"]), {})
    assert check.host_passes(_host("b"), test_hosts.request_spec(), {})


def test_anti_affinity_filter_counts_members_per_host(conf):
    check = server_group_anti_affinity_filter.ServerGroupAntiAffinityFilter(
        conf)
    assert check.host_passes(_host("a"), _spec("anti-affinity", ["b"]), {})
    assert not check.host_passes(_host("a"),
                                 _spec("anti-affinity", ["a"]), {})
    two = {"max_server_per_host": 2}
    assert check.host_passes(_host("a"),
                             _spec("anti-affinity", ["a"], two), {})
    assert not check.host_passes(_host("a"),
                                 _spec("anti-affinity", ["a", "a"], two), {})
    assert check.host_passes(_host("a"), _spec("affinity", ["b"]), {})


def test_soft_weighers_draw_and_spread(conf):
    conf.set_override("weight_classes", [
        "ServerGroupSoftAffinityWeigher",
        "ServerGroupSoftAntiAffinityWeigher"], group="filter_scheduler")
    loaded = weighers.load_weighers(conf)
    busy, empty = _host("busy"), _host("empty")
    ranked = weighers.weigh(loaded, [empty, busy],
                            _spec("soft-affinity", ["busy", "busy"]))
    assert [host for _w, host in ranked] == [busy, empty]
    ranked = weighers.weigh(loaded, [busy, empty],
                            _spec("soft-anti-affinity", ["busy"]))
    assert [host for _w, host in ranked] == [empty, busy]
    conf.set_override("soft_affinity_weight_multiplier", 0.0,
                      group="filter_scheduler")
    ranked = weighers.weigh(weighers.load_weighers(conf), [empty, busy],
                            _spec("soft-affinity", ["busy"]))
    assert [weight for weight, _h in ranked] == [0.0, 0.0]


# The scheduler with groups in the database --------------------------------

@pytest.fixture
def ctx(databases):
    return context.get_admin_context(databases)


def _scheduler(conf, databases):
    conf.set_override("host_cache_seconds", 0, group="scheduler")
    return scheduler_manager.SchedulerManager(conf, None, databases)


def _group(ctx, policy, count, rules=None):
    """A group with count new members (mapped, not placed yet)."""
    group = group_obj.InstanceGroup(
        ctx, uuid=str(uuid.uuid4()), name="g", project_id="project",
        user_id="user", policy=policy, rules=rules or {})
    group.create()
    members = [str(uuid.uuid4()) for _ in range(count)]
    for member in members:
        instance_mapping.InstanceMapping(
            ctx, instance_uuid=member, project_id="project",
            user_id="user").create()
    with ctx.api_db.writer() as session:
        group_obj.InstanceGroup.add_members(session, group.id, members)
    return group, members


def _place(scheduler, ctx, group, members):
    """Schedule each member alone (its own request); {member: host or
    None when no host was valid}."""
    spec = test_hosts.request_spec(instance_group_uuid=group.uuid)
    try:
        [selections] = scheduler.select_destinations(ctx, spec, members)
    except exception.NoValidHost:
        return None
    return selections[0].service_host


def test_a_multi_create_spreads_over_distinct_hosts(conf, databases, ctx):
    for name in ("h1", "h2", "h3"):
        test_hosts.register_host(ctx, name, memory_mb=8192)
    group, members = _group(ctx, "anti-affinity", 4)
    members, fourth = members[:3], members[3]
    spec = test_hosts.request_spec(instance_group_uuid=group.uuid)
    picks = _scheduler(conf, databases).select_destinations(ctx, spec,
                                                            members)
    assert sorted(selections[0].service_host for selections in picks) == [
        "h1", "h2", "h3"]
    assert sorted(group_obj.InstanceGroup.get_by_uuid(
        ctx, group.uuid).hosts) == ["h1", "h2", "h3"]
    # A fourth member has nowhere to go.
    with pytest.raises(exception.NoValidHost):
        _scheduler(conf, databases).select_destinations(ctx, spec, [fourth])


def test_racing_schedulers_never_break_a_hard_policy(conf, databases, ctx):
    """Eight scheduler instances (as eight processes would) place twelve
    members of each group at once, over six hosts."""
    for index in range(6):
        test_hosts.register_host(ctx, "h%d" % index, memory_mb=8192)
    schedulers = [_scheduler(conf, databases) for _ in range(8)]
    anti, anti_members = _group(ctx, "anti-affinity", 12)
    affine, affine_members = _group(ctx, "affinity", 12)
    jobs = [(anti, member) for member in anti_members] + [
        (affine, member) for member in affine_members]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        placed = list(pool.map(
            lambda job: (job[0].policy, _place(
                schedulers[hash(job[1]) % 8], ctx, job[0], [job[1]])),
            jobs))
    anti_hosts = [host for policy, host in placed
                  if policy == "anti-affinity" and host]
    assert sorted(anti_hosts) == ["h%d" % index for index in range(6)]
    affine_hosts = {host for policy, host in placed
                    if policy == "affinity" and host}
    assert len(affine_hosts) == 1
    # What the group records is what placement holds.
    assert sorted(group_obj.InstanceGroup.get_by_uuid(
        ctx, anti.uuid).hosts) == sorted(anti_hosts)


def test_the_claim_itself_refuses_a_forbidden_host(ctx):
    """Whatever a stale snapshot let through, the claim re-checks."""
    (node,) = test_hosts.register_host(ctx, "h1", memory_mb=8192)
    group, (first, second) = _group(ctx, "anti-affinity", 2)
    resources = {node.uuid: {"MEMORY_MB": 512}}
    group_claims.claim(ctx, group, first, "h1", "project", "user", resources)
    with pytest.raises(exception.GroupPolicyViolation) as caught:
        group_claims.claim(ctx, group, second, "h1", "project", "user",
                           resources)
    assert caught.value.hosts == ["h1"]
    assert usages.provider_usages(ctx, node.uuid) == {"MEMORY_MB": 512}


def _schedule_in_process(api_url, group_uuid, members, start):
    """A scheduler process of its own: once every process is ready
    (start, a barrier), place each member alone; the hosts chosen (None
    for NoValidHost)."""
    from stratus import conf as stratus_conf
    from stratus.db import api as db_api
    from stratus import objects
    objects.register_all()
    conf = stratus_conf.build_conf()
    conf.set_override("host_cache_seconds", 0, group="scheduler")
    databases = db_api.Databases(api_url)
    try:
        ctx = context.get_admin_context(databases)
        scheduler = scheduler_manager.SchedulerManager(conf, None, databases)
        group = group_obj.InstanceGroup.get_by_uuid(ctx, group_uuid)
        start.wait()
        return [_place(scheduler, ctx, group, [member])
                for member in members]
    finally:
        databases.dispose()


@pytest.mark.slow
def test_scheduler_processes_never_break_a_hard_policy(databases, ctx,
                                                       cloud_urls):
    """Four scheduler processes place the members of one anti-affinity
    group (twenty, over eight hosts) at the same time."""
    import multiprocessing
    for index in range(8):
        test_hosts.register_host(ctx, "h%d" % index, memory_mb=8192)
    group, members = _group(ctx, "anti-affinity", 20)
    shares = [members[index::4] for index in range(4)]
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager, spawn.Pool(4) as pool:
        start = manager.Barrier(4)
        results = pool.starmap(_schedule_in_process, [
            (cloud_urls["api"], group.uuid, share, start)
            for share in shares])
    placed = [host for hosts in results for host in hosts if host]
    assert sorted(placed) == ["h%d" % index for index in range(8)]
    assert sorted(group_obj.InstanceGroup.get_by_uuid(
        ctx, group.uuid).hosts) == sorted(placed)
