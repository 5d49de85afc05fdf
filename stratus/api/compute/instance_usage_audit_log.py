"""/os-instance_usage_audit_log: the state of the instance usage audit
of every compute host for the last completed audit period (a month), or
the last one completed before a time (admin).

Nova's compute hosts write a task log as they audit the usage of their
instances (``[DEFAULT] instance_usage_audit``). Stratus runs no such task:
there are no task logs, so every compute host, enabled or not, is one
that has not run in the period, with no instances and no errors audited.
"""
import datetime

from stratus.api import errors
from stratus.api.schemas import instance_usage_audit_log as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.objects import base as objects_base
from stratus.objects import service as service_obj
from stratus.policies import instance_usage_audit_log as policies
from stratus import constants


def _month_before(day):
    """The first of the month before day's month."""
    if day.month == 1:
        return day.replace(year=day.year - 1, month=12)
    return day.replace(month=day.month - 1)


def last_completed_period(before):
    """(beginning, ending) of the last monthly audit period that ended
    before the time given (Nova's last_completed_audit_period, month)."""
    end = datetime.datetime(before.year, before.month, 1)
    if end >= before:
        end = _month_before(end)
    return _month_before(end), end


def _audit_log(req, before):
    try:
        begin, end = last_completed_period(before)
    except ValueError:  # before the first audit period of year 1
        raise errors.bad_request("Invalid timestamp for date %s" % before)
    hosts = sorted({service.host for service in service_obj.ServiceList
                    .get_all(req.context, binary=constants.COMPUTE_BINARY)})
    # No task logs: no host done, running or with errors.
    done = 0
    return {
        "period_beginning": str(begin),
        "period_ending": str(end),
        "num_hosts": len(hosts),
        "num_hosts_done": done,
        "num_hosts_running": 0,
        "num_hosts_not_run": len(hosts),
        "hosts_not_run": hosts,
        "total_instances": 0,
        "total_errors": 0,
        "overall_status": "%s hosts done. 0 errors." % (
            "ALL" if done == len(hosts) else "%d of %d" % (done, len(hosts))),
        "log": {},
    }


@validation.query_schema(schemas.index_query)
def list_audit_logs(req):
    req.authorize(policies.POLICY_ROOT % "list")
    now = objects_base.utcnow().replace(tzinfo=None)
    return wsgi.json_response(
        req, {"instance_usage_audit_logs": _audit_log(req, now)})


@validation.query_schema(schemas.show_query)
def show_audit_log(req, before_timestamp):
    req.authorize(policies.POLICY_ROOT % "show")
    fmt = ("%Y-%m-%d %H:%M:%S.%f" if "." in before_timestamp
           else "%Y-%m-%d %H:%M:%S")
    try:
        before = datetime.datetime.strptime(before_timestamp, fmt)
    except ValueError:
        raise errors.bad_request(
            "Invalid timestamp for date %s" % before_timestamp)
    return wsgi.json_response(
        req, {"instance_usage_audit_log": _audit_log(req, before)})
