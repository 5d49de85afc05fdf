"""A port's status as its host's agent reports it: ACTIVE once the
device is plugged on the host the port is bound to, DOWN when unplugged.
A report from another host than the port's binding is stale (a move
rebound it meanwhile) and changes nothing."""
import sqlalchemy as sa

from stratus.db import network_models as models


class PortStatusStore:
    def __init__(self, databases):
        self.db = databases.api

    def set_status(self, port_id, host, status):
        """(device_id, device_owner) of the port when its status changed;
        None when the port is gone, bound elsewhere or already so."""
        with self.db.writer() as session:
            port = session.execute(
                sa.select(models.Port).where(models.Port.id == port_id)
                .with_for_update()).scalars().first()
            if port is None or port.status == status:
                return None
            bound = session.execute(
                sa.select(models.PortBinding.host).where(
                    models.PortBinding.port_id == port_id,
                    models.PortBinding.status == "ACTIVE")).scalar()
            if bound is not None and bound != host:
                return None
            port.status = status
            port.revision_number = (port.revision_number or 0) + 1
            return port.device_id, port.device_owner
