"""What the API does when a message it must send cannot reach the broker
within ``[api] rpc_unavailable_timeout`` (stratus/rpc.py's bounded clients
raise BrokerUnavailable, a 503): the request changes nothing, or, where
what it changed is recorded for the conductor to finish, it stands.

- A create has written its build requests before its cast: they are
  withdrawn (with their request specs, instance mappings, group
  memberships and idempotency key) unless a conductor took one meanwhile, in which case the
  message went out after all and the create is accepted.
- A delete has recorded ``task_state = deleting``: the conductor's check
  for stuck states sends it to the compute again, so it is accepted.
- An action (``undone_if_unsent``) has saved its task state and changes
  and recorded its instance action: both are undone, so the 503 leaves
  the server as it was.
"""
import functools
import logging

from stratus import exception
from stratus.objects import build_request as build_request_obj
from stratus.objects import instance_action as instance_action_obj

LOG = logging.getLogger(__name__)


def withdraw_builds(ctx, instance_uuids):
    """Delete the API records of servers whose build was never sent, in
    one transaction; False (nothing deleted) when a conductor has taken
    any of them already (it got the message: the servers are accepted)."""
    if not build_request_obj.withdraw(ctx, instance_uuids,
                                      untaken_only=True):
        LOG.info("Build of %s was taken by a conductor: accepted",
                 instance_uuids)
        return False
    LOG.warning("Build of %s withdrawn: the broker cannot be reached",
                instance_uuids)
    return True


class Begun:
    """What an action's start (compute API ``_begin``) changed on a
    server, to put back when its message cannot be sent."""

    def __init__(self, instance, task_state, changes):
        self.task_state = task_state
        self.values = {name: getattr(instance, name) for name in changes
                       if instance.obj_attr_is_set(name)}
        self.saved_task_state = None
        self.recorded = None

    def remember(self, instance, recorded):
        self.saved_task_state = instance.task_state
        self.recorded = recorded
        instance.begun_action = self


def undone_if_unsent(method):
    """An action method of the compute API (self, ctx, instance, ...)
    whose BrokerUnavailable undoes what its ``_begin`` did."""
    @functools.wraps(method)
    def action(api, ctx, instance, *args, **kwargs):
        try:
            return method(api, ctx, instance, *args, **kwargs)
        except exception.BrokerUnavailable:
            _undo(ctx, instance)
            raise
    return action


def _undo(ctx, instance):
    begun = getattr(instance, "begun_action", None)
    if begun is None:
        return
    del instance.begun_action
    instance.update(begun.values)
    instance.task_state = begun.task_state
    if instance.obj_what_changed():
        try:
            instance.save(expected_task_state=[begun.saved_task_state])
        except (exception.UnexpectedTaskStateError,
                exception.InstanceNotFound) as exc:
            LOG.warning("Could not undo the unsent action on %s: %s",
                        instance.uuid, exc)
    if begun.recorded:
        with ctx.target_cell(instance.cell_uuid) as cctx:
            instance_action_obj.withdraw_action(
                cctx, instance.uuid, ctx.request_id, begun.recorded)
    LOG.warning("Action on %s undone: the broker cannot be reached",
                instance.uuid)
