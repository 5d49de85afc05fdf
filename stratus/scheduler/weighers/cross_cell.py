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
        instance_uuid = spec.get("instance_uuid")
        if not instance_uuid:
            return None
        try:
            mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
                ctx, instance_uuid)
        except exception.InstanceMappingNotFound:
            return None
        cell = mapping.get("cell_uuid")
        if cell is None or cell == db_setup.CELL0_UUID:
            return None
        return InCell(self, cell)

    def weight(self, host_state, spec):
        return 0.0


class InCell:

    def __init__(self, weigher, cell_uuid):
        self.option = weigher.option
        self.multiplier = weigher.multiplier
        self.cell_uuid = cell_uuid

    def weight(self, host_state, spec):
        return 1.0 if host_state.cell_uuid == self.cell_uuid else 0.0
