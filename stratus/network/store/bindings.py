"""Port bindings: where a port is plugged (``binding:*`` of a port, and
Neutron's binding-extended ``/ports/{id}/bindings``).

A port has one ACTIVE row in ``network_port_bindings`` (host ``""``
while unbound): its ``binding:*`` attributes. During a live migration
Nova adds an INACTIVE binding for the destination, activates it (the
source's becomes INACTIVE) and deletes the source's.

``bind`` is the built-in service's only mechanism: a host-local Linux
bridge, so a port bound to a host is ``vif_type`` ``bridge`` (what Nova's
libvirt VIF code plugs as a tap on ``vif_details["bridge_name"]``); a
``vnic_type`` other than ``normal`` (SR-IOV and the like) cannot be bound
(``binding_failed``). The service has no agent: a port is ACTIVE as soon
as it is bound.
"""
import sqlalchemy as sa

from stratus.db import network_models as models
from stratus.network import exception as net_exception

ACTIVE = "ACTIVE"
INACTIVE = "INACTIVE"
UNBOUND = "unbound"
BINDING_FAILED = "binding_failed"
VIF_TYPE_BRIDGE = "bridge"
VNIC_TYPES = ("normal", "direct", "macvtap", "baremetal", "direct-physical",
              "virtio-forwarder", "smart-nic", "vdpa", "accelerator-direct",
              "accelerator-direct-physical", "remote-managed")


def bind(host, vnic_type, bridge_name):
    """(vif_type, vif_details) of a binding to host ("" unbound)."""
    if not host:
        return UNBOUND, {}
    if vnic_type != "normal":
        return BINDING_FAILED, {}
    return VIF_TYPE_BRIDGE, {"port_filter": True, "bridge_name": bridge_name,
                             "connectivity": "l2"}


# Ports whose status their host's agent reports (a server's, plugged by
# its compute: stratus/network/agent_endpoint.py).
AGENT_OWNER_PREFIX = "compute:"


def port_status(admin_state_up, vif_type, device_owner="", current=None,
                rebound=True):
    """DOWN until bound (and while administratively down). A server's
    port is ACTIVE only once its host's agent said it is plugged: DOWN
    when (re)bound, else as it was (current)."""
    if not admin_state_up or vif_type in (UNBOUND, BINDING_FAILED):
        return "DOWN"
    if (device_owner or "").startswith(AGENT_OWNER_PREFIX):
        return "DOWN" if rebound or current is None else current
    return "ACTIVE"


def view(row):
    """A binding as binding-extended shows it."""
    return {"host": row.host, "vif_type": row.vif_type,
            "vif_details": dict(row.vif_details or {}),
            "vnic_type": row.vnic_type, "profile": dict(row.profile or {}),
            "status": row.status}


def active(session, port_ids):
    """{port_id: its ACTIVE binding row}."""
    if not port_ids:
        return {}
    return {row.port_id: row for row in session.execute(
        sa.select(models.PortBinding).where(
            models.PortBinding.port_id.in_(list(port_ids)),
            models.PortBinding.status == ACTIVE)).scalars()}


def set_active(session, port_id, host, vnic_type, profile, vif_type,
               vif_details):
    """The port's ACTIVE binding becomes this one (an INACTIVE binding to
    the same host is replaced)."""
    session.execute(sa.delete(models.PortBinding).where(
        models.PortBinding.port_id == port_id,
        sa.or_(models.PortBinding.status == ACTIVE,
               models.PortBinding.host == host)))
    session.flush()
    row = models.PortBinding(port_id=port_id, host=host, status=ACTIVE,
                             vnic_type=vnic_type, profile=profile or {},
                             vif_type=vif_type, vif_details=vif_details)
    session.add(row)
    session.flush()
    return row


def _set_port_status(session, port_id, vif_type):
    port = session.get(models.Port, port_id)
    port.status = port_status(port.admin_state_up, vif_type,
                              port.device_owner)
    port.revision_number = (port.revision_number or 0) + 1


class BindingStore:
    """binding-extended's bindings of a port (the port's visibility is
    the API's to check)."""

    def __init__(self, databases):
        self.db = databases.api

    def _rows(self, session, port_id, host=None):
        query = sa.select(models.PortBinding).where(
            models.PortBinding.port_id == port_id,
            models.PortBinding.host != "")
        if host is not None:
            query = query.where(models.PortBinding.host == host)
        return session.execute(query.order_by(
            models.PortBinding.host)).scalars().all()

    def _one(self, session, port_id, host):
        rows = self._rows(session, port_id, host)
        if not rows:
            raise net_exception.PortBindingNotFound(port_id=port_id,
                                                    host=host)
        return rows[0]

    def list(self, port_id):
        with self.db.reader() as session:
            return [view(row) for row in self._rows(session, port_id)]

    def get(self, port_id, host):
        with self.db.reader() as session:
            return view(self._one(session, port_id, host))

    def create(self, port_id, host, vnic_type, profile, vif_type,
               vif_details):
        """A new binding: INACTIVE while the port is bound elsewhere,
        else the port's ACTIVE one."""
        with self.db.writer() as session:
            if session.get(models.Port, port_id) is None:
                raise net_exception.PortNotFound(port_id=port_id)
            if self._rows(session, port_id, host):
                raise net_exception.PortBindingAlreadyExists(
                    port_id=port_id, host=host)
            current = active(session, [port_id]).get(port_id)
            if current is None or not current.host:
                row = set_active(session, port_id, host, vnic_type, profile,
                                 vif_type, vif_details)
                _set_port_status(session, port_id, vif_type)
                return view(row)
            row = models.PortBinding(
                port_id=port_id, host=host, status=INACTIVE,
                vnic_type=vnic_type, profile=profile or {},
                vif_type=vif_type, vif_details=vif_details)
            session.add(row)
            session.flush()
            return view(row)

    def activate(self, port_id, host):
        with self.db.writer() as session:
            row = self._one(session, port_id, host)
            if row.status == ACTIVE:
                raise net_exception.PortBindingAlreadyActive(
                    port_id=port_id, host=host)
            session.execute(
                sa.update(models.PortBinding).where(
                    models.PortBinding.port_id == port_id,
                    models.PortBinding.status == ACTIVE)
                .values(status=INACTIVE))
            session.execute(sa.delete(models.PortBinding).where(
                models.PortBinding.port_id == port_id,
                models.PortBinding.host == ""))
            row.status = ACTIVE
            session.flush()
            _set_port_status(session, port_id, row.vif_type)
            return view(row)

    def delete(self, port_id, host):
        """An INACTIVE binding goes; the ACTIVE one leaves the port
        unbound."""
        with self.db.writer() as session:
            row = self._one(session, port_id, host)
            if row.status == ACTIVE:
                set_active(session, port_id, "", row.vnic_type, {},
                           UNBOUND, {})
                _set_port_status(session, port_id, UNBOUND)
            else:
                session.delete(row)
