"""Usage reports (os-simple-tenant-usage): what each project's servers
used in a window of time, as Nova computes it.

A server counts the hours it ran inside the window: from its launch (or
the window's start, if later) to its termination (or the window's end,
if earlier); never launched, it counts nothing. Its vCPUs, RAM and disk
(root + ephemeral) times those hours add up per project. Deleted servers
count for the hours they ran.
"""
from stratus.objects import base as objects_base
from stratus.objects import usage_queries


def hours_for(instance, start, stop):
    """The hours instance ({launched_at, terminated_at}) ran between
    start and stop."""
    launched_at = instance["launched_at"]
    terminated_at = instance["terminated_at"]
    if launched_at is None or launched_at > stop:
        return 0
    if terminated_at is not None and terminated_at < start:
        return 0
    end = stop if terminated_at is None else min(stop, terminated_at)
    return max((end - max(launched_at, start)).total_seconds(), 0) / 3600.0


def server_usage(instance, start, stop, now):
    """Nova's server_usages entry of one instance row."""
    ended_at = instance["terminated_at"]
    started_at = instance["launched_at"]
    state = "terminated" if ended_at else instance["vm_state"]
    uptime = (ended_at if ended_at else now) - started_at
    return {
        "hours": hours_for(instance, start, stop),
        "flavor": instance["flavor"],
        "instance_id": instance["uuid"],
        "name": instance["display_name"],
        "tenant_id": instance["project_id"],
        "memory_mb": instance["memory_mb"],
        "local_gb": (instance["root_gb"] or 0) + (instance["ephemeral_gb"]
                                                  or 0),
        "vcpus": instance["vcpus"],
        "started_at": started_at,
        "ended_at": ended_at,
        "state": state,
        "uptime": max(int(uptime.total_seconds()), 0),
    }


def summarize(server_usages, start, stop, detailed):
    """[per-project summary] in the order the projects first appear."""
    summaries = {}
    for usage in server_usages:
        summary = summaries.get(usage["tenant_id"])
        if summary is None:
            summary = summaries[usage["tenant_id"]] = {
                "tenant_id": usage["tenant_id"],
                "total_local_gb_usage": 0, "total_vcpus_usage": 0,
                "total_memory_mb_usage": 0, "total_hours": 0,
                "start": start, "stop": stop}
            if detailed:
                summary["server_usages"] = []
        hours = usage["hours"]
        summary["total_local_gb_usage"] += usage["local_gb"] * hours
        summary["total_vcpus_usage"] += (usage["vcpus"] or 0) * hours
        summary["total_memory_mb_usage"] += (usage["memory_mb"] or 0) * hours
        summary["total_hours"] += hours
        if detailed:
            summary["server_usages"].append(usage)
    return list(summaries.values())


def usage_for_period(context, start, stop, project_id=None, detailed=True,
                     limit=None, marker=None):
    """(per-project summaries, every server usage of the page) for the
    window; at most limit servers after marker (an instance uuid);
    MarkerNotFound when no cell has the marker."""
    now = objects_base.utcnow()
    instances = usage_queries.instances_in_window(
        context, start, stop, project_id, limit, marker)
    server_usages = [server_usage(instance, start, stop, now)
                     for instance in instances]
    return summarize(server_usages, start, stop, detailed), server_usages
