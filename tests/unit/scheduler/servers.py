"""Instances in the cell database, for the filters that look servers up."""
import uuid

import pytest

from stratus import context
from stratus.objects import fields
from stratus.objects import flavor as flavor_obj
from stratus.objects import instance as instance_obj
from tests.unit.scheduler import hosts

UNKNOWN = "00000000-0000-0000-0000-00000000dead"


@pytest.fixture
def ctx(databases):
    return context.get_admin_context(databases)


def place(ctx, host, node, deleted=False, image_properties=None):
    """A server on host/node; its uuid."""
    flavor = flavor_obj.Flavor(
        id=1, flavorid="1", name="small", vcpus=1, memory_mb=512, root_gb=1,
        ephemeral_gb=0, swap=0, extra_specs={})
    instance_uuid = str(uuid.uuid4())
    with ctx.target_cell(hosts.cell1(ctx).uuid) as cctx:
        instance = instance_obj.Instance(
            uuid=instance_uuid, project_id="project", user_id="user",
            vm_state=fields.VMState.ACTIVE, host=host, node=node,
            flavor=flavor, memory_mb=512, vcpus=1, root_gb=1, ephemeral_gb=0,
            image_properties=dict(image_properties or {}))
        instance.create(cctx)
        if deleted:
            instance.destroy()
    return instance_uuid
