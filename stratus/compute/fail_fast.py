"""What the API does when a message it must send cannot reach the broker
within ``[api] rpc_unavailable_timeout`` (stratus/rpc.py's bounded clients
raise BrokerUnavailable, a 503): the request changes nothing, or, where
what it changed is recorded for the conductor to finish, it stands.

- A create has written its build requests before its cast: they are
  withdrawn (with their request specs, instance mappings and group
  memberships) unless a conductor took one meanwhile, in which case the
  message went out after all and the create is accepted.
- A delete has recorded ``task_state = deleting``: the conductor's check
  for stuck states sends it to the compute again, so it is accepted.
"""
import logging

import sqlalchemy as sa

from stratus.db import api_models

LOG = logging.getLogger(__name__)

_BUILD_REQUESTS = api_models.BuildRequest.__table__
_RECORDS = (api_models.RequestSpec, api_models.InstanceMapping,
            api_models.InstanceGroupMember)


def withdraw_builds(ctx, instance_uuids):
    """Delete the API records of servers whose build was never sent, in
    one transaction; False (nothing deleted) when a conductor has taken
    any of them already (it got the message: the servers are accepted)."""
    try:
        with ctx.api_db.writer() as session:
            withdrawn = session.execute(sa.delete(_BUILD_REQUESTS).where(
                _BUILD_REQUESTS.c.instance_uuid.in_(instance_uuids),
                _BUILD_REQUESTS.c.updated_at.is_(None))).rowcount
            if withdrawn != len(instance_uuids):
                raise _Taken()
            for model in _RECORDS:
                session.execute(sa.delete(model).where(
                    model.instance_uuid.in_(instance_uuids)))
    except _Taken:
        LOG.info("Build of %s was taken by a conductor: accepted",
                 instance_uuids)
        return False
    LOG.warning("Build of %s withdrawn: the broker cannot be reached",
                instance_uuids)
    return True


class _Taken(Exception):
    """Rolls the withdrawal back."""
