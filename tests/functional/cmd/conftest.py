"""`stratus manage` run as an operator runs it, on the test databases of
each backend: cell0 and cell1 mapped, cell2 and cell3 there to map."""
import dataclasses
import uuid

import pytest
import sqlalchemy as sa

from stratus.cmd import main as stratus_main
from stratus.cmd import manage as manage_cmd
from stratus import context
from stratus.db import cell_models
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.objects import service as service_obj
from stratus import constants
from tests.functional.hosts import fixtures as host_fixtures

TRANSPORT = "rabbit://stratus:secret@mq:5672/"


@dataclasses.dataclass
class Manage:
    """Runs commands, and makes what they act on."""
    conf: object
    urls: dict
    capsys: object
    ctx: object

    def run(self, *argv):
        """(exit code, what the command printed)."""
        self.capsys.readouterr()
        code = manage_cmd.main(self.conf,
                               stratus_main.parse_args(["manage", *argv]))
        return code, self.capsys.readouterr().out

    def cell(self, name):
        return next(cell for cell in
                    cell_mapping_obj.CellMappingList.get_all(self.ctx)
                    if cell.name == name)

    def map_cell(self, name, transport_url=TRANSPORT):
        """Map the test database name (cell2, cell3); its uuid."""
        code, out = self.run("cell_v2", "create_cell", "--name", name,
                             "--verbose", "--transport-url", transport_url,
                             "--database_connection", self.urls[name])
        assert code == 0, out
        return out.strip().splitlines()[-1]

    def register_node(self, cell_uuid, host, node_uuid=None):
        """The compute node a host registered in the cell (no host
        mapping)."""
        node = compute_node_obj.ComputeNode(
            hypervisor_hostname="%s-node" % host, vcpus=1, memory_mb=512,
            local_gb=1, hypervisor_type="fake", hypervisor_version=1)
        if node_uuid:
            node.uuid = node_uuid
        return compute_node_obj.ComputeNodeList.update_host(
            self.ctx, cell_uuid, host, None, [node])[0]

    def register_service(self, cell_uuid, host):
        service_obj.Service.report(self.ctx, cell_uuid, host,
                                   constants.COMPUTE_BINARY, "compute")

    def create_instance(self, cell_uuid, host=None, mapped=True):
        flavor = host_fixtures.small_flavor()
        instance_uuid = str(uuid.uuid4())
        if mapped:
            instance_mapping_obj.InstanceMapping(
                self.ctx, instance_uuid=instance_uuid, project_id="demo",
                user_id="demo", cell_uuid=cell_uuid).create()
        with self.ctx.target_cell(cell_uuid) as cctx:
            instance = instance_obj.Instance(
                cctx, uuid=instance_uuid, display_name="vm", hostname="vm",
                project_id="demo", user_id="demo", host=host,
                vm_state="active", power_state=1, flavor=flavor,
                vcpus=1, memory_mb=512, root_gb=1, ephemeral_gb=0,
                instance_type_id=flavor.id)
            instance.create()
        return instance

    def delete_instance(self, cell_uuid, instance):
        with self.ctx.target_cell(cell_uuid) as cctx:
            instance_obj.Instance.get_by_uuid(cctx, instance.uuid).destroy()

    def archive_instance(self, cell_uuid, instance):
        """Remove the row as archiving would (its mapping stays)."""
        tables = cell_models.Base.metadata.sorted_tables
        with self.ctx.cell_db_for(cell_uuid).writer() as session:
            for table in reversed(tables):
                if "instance_uuid" in table.c:
                    session.execute(sa.delete(table).where(
                        table.c.instance_uuid == instance.uuid))
            table = cell_models.Instance.__table__
            session.execute(sa.delete(table).where(
                table.c.uuid == instance.uuid))


@pytest.fixture
def manage(conf, databases, cell_urls, capsys):
    conf.set_override("connection", cell_urls["api"], group="api_database")
    conf.set_override("connection", cell_urls["cell1"], group="database")
    return Manage(conf, cell_urls, capsys,
                  context.get_admin_context(databases))


def table_rows(out):
    """The body rows of a table the command printed, cells stripped."""
    lines = [line for line in out.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.split("|")[1:-1]]
            for line in lines[1:]]


@dataclasses.dataclass
class CloudManage:
    """`stratus manage` and `stratus status` on a running cloud's
    databases, and the servers it boots and deletes through its API."""
    cloud: object
    api: object
    capsys: object

    @property
    def ctx(self):
        return context.get_admin_context(self.cloud.databases)

    def run(self, *argv):
        """(exit code, what `stratus argv` printed)."""
        self.capsys.readouterr()
        code = manage_cmd.main(self.cloud.conf,
                               stratus_main.parse_args(list(argv)))
        return code, self.capsys.readouterr().out

    def boot(self, name="vm"):
        server = self.api.create_server(
            name, image=self.api.first_image_id())["server"]
        return self.api.wait_for_status(server["id"], "ACTIVE")

    def delete(self, server):
        self.api.delete("/servers/%s" % server["id"])
        self.api.wait_for_deleted(server["id"])


@pytest.fixture
def cloud_manage(cloud, api, capsys):
    return CloudManage(cloud, api, capsys)
