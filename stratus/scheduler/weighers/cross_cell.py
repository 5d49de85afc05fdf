"""CrossCellWeigher: when a request moves an existing server, hosts in
the server's current cell weigh more, so a move crosses cells only when
its own cell has no room (``[filter_scheduler]
cross_cell_move_weight_multiplier``, 1000000.0 by default; negative prefers
other cells). A new server has no cell yet, so this weigher leaves its
request alone."""
from stratus import exception
from stratus.db import setup as db_setup
from stratus.objects import instance_mapping as instance_mapping_obj


class CrossCellWeigher:
    option = "cross_cell_move_weight_multiplier"

    def __init__(self, conf):
        self.multiplier = (
            conf.filter_scheduler.cross_cell_move_weight_multiplier)

    def for_request(self, ctx, spec):
        if not spec.get("instance_uuid"):
            return None
        return _ServerCell(self, ctx)

    def weight(self, host_state, spec):
        return 0.0


class _ServerCell:
    """The weigher for one request: the server's cell is read only when
    the hosts to weigh are in more than one cell (otherwise it could not
    change their order): no read per boot in a cloud of one cell."""

    def __init__(self, weigher, ctx):
        self.option = weigher.option
        self.multiplier = weigher.multiplier
        self.ctx = ctx

    def weights(self, hosts, spec):
        if len({host.cell_uuid for host in hosts}) < 2:
            return [0.0] * len(hosts)
        cell = _current_cell(self.ctx, spec.get("instance_uuid"))
        return [1.0 if cell is not None and host.cell_uuid == cell else 0.0
                for host in hosts]


def _current_cell(ctx, instance_uuid):
    """The cell of a server being moved; None for a new server (no cell
    yet, or cell0)."""
    try:
        mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, instance_uuid)
    except exception.InstanceMappingNotFound:
        return None
    cell = mapping.get("cell_uuid")
    if cell is None or cell == db_setup.CELL0_UUID:
        return None
    return cell
