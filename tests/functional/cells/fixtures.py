"""What the cells tests share: the servers API over several real cells,
a cell that can be taken down (its database unreachable, or slow: a TCP
port that accepts and never answers), and the order Nova lists servers
in, computed independently of Stratus's own sort code."""
import datetime
import socket
import threading

from stratus.db import setup as db_setup
from stratus.objects import cell_mapping
from tests.functional.servers import fixtures as server_fixtures

START = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
HOST_CELLS = ("cell1", "cell2", "cell3")


class Cells(server_fixtures.Servers):
    """fixtures.Servers with cell2 and cell3 mapped too."""

    def __init__(self, conf, databases, cell_urls, tmp_path):
        for name in HOST_CELLS[1:]:
            db_setup.ensure_cell_mapping(databases, name, cell_urls[name])
        super().__init__(conf, databases, tmp_path)
        self._silent = []

    def close(self):
        for server in self._silent:
            server.close()
        super().close()

    def take_down(self, name, how="unreachable"):
        """Point the cell's mapping at a database that is not there
        (unreachable: a closed port or a missing directory) or that never
        answers (slow: a port that accepts and stays silent)."""
        if how == "slow":
            server = SilentServer()
            self._silent.append(server)
            target = down_url(self.databases.api.url, server.port)
        else:
            target = down_url(self.databases.api.url)
        self._repoint(name, target)

    def bring_back(self, name, url):
        self._repoint(name, url)

    def _repoint(self, name, url):
        repoint(self.databases, self.ctx, self.cells[name], url)

    def populate(self):
        """Eighteen servers over the three host cells (and two never
        scheduled in cell0) with values that tie, repeat and are missing,
        so that every sort key has something to order; {name: uuid}."""
        placed = {}
        for index in range(18):
            cell = HOST_CELLS[index % 3]
            name = "vm-%02d" % (index % 7)      # names repeat across cells
            values = dict(
                # created_at ties in threes, across cells
                created_at=START + datetime.timedelta(minutes=index // 3),
                updated_at=START + datetime.timedelta(hours=1, minutes=index),
                launched_at=(None if index % 4 == 0 else
                             START + datetime.timedelta(minutes=index % 5)),
                host=(None, "h1", "h2", "H3")[index % 4],
                key_name=(None, "k-b", "k-a")[index % 3],
                access_ip_v4=(None, "10.0.0.%d" % (index % 5))[index % 2],
                availability_zone=("az2", "az1", None)[index % 3],
                progress=index % 3 * 50,
                locked=index % 5 == 0,
                tags=["even"] if index % 2 == 0 else ["odd"],
                project_id="other" if index % 6 == 5 else "demo",
                user_id="other" if index % 6 == 5 else "demo",
                flavorid="2" if index % 4 == 1 else "1",
                vm_state="stopped" if index % 7 == 3 else "active",
            )
            key = "%s-%s" % (name, index)
            placed[key] = self.place(cell=cell, name=name, **values).uuid
        for index in range(2):
            placed["err-%d" % index] = self.place(
                cell="cell0", name="err", host=None, vm_state="error",
                created_at=START + datetime.timedelta(minutes=2)).uuid
        return placed


def down_url(api_url, silent_port=None):
    """A database URL of the API database's kind that is not there (a
    closed port, a missing directory) or, with silent_port, that never
    answers."""
    port = silent_port or 1
    if api_url.startswith("mysql"):
        return "mysql+pymysql://root@127.0.0.1:%d/gone" % port
    if api_url.startswith("postgresql") or silent_port:
        return "postgresql+psycopg2://postgres@127.0.0.1:%d/gone" % port
    return "sqlite:////nonexistent-stratus-dir/gone.db"


def repoint(databases, ctx, cell_uuid, url):
    """The cell's mapping pointed at url, for every user of databases
    (a cell that goes down, or comes back)."""
    mapping = cell_mapping.CellMapping.get_by_uuid(ctx, cell_uuid)
    with databases.api.writer() as session:
        session.execute(
            cell_mapping.api_models.CellMapping.__table__.update().where(
                cell_mapping.api_models.CellMapping.id == mapping.id
            ).values(database_connection=url))
    # The engine of the old URL is cached by cell uuid.
    stale = databases._cells.pop(cell_uuid, None)
    if stale is not None:
        stale.dispose()


class SilentServer:
    """A TCP port on loopback that accepts connections and never says a
    word: a database server that hangs."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.accepted = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self._closed:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        self._closed = True
        self.socket.close()
        for connection in self.accepted:
            connection.close()


def nova_order(rows, keys, dirs):
    """rows ({field: value}, with "uuid") in Nova's order for these sort
    keys: each key in its direction with missing values lowest, a key
    without a direction taking the first one, ties by uuid ascending."""
    dirs = list(dirs) + [dirs[0] if dirs else "desc"] * (len(keys)
                                                          - len(dirs))
    ordered = sorted(rows, key=lambda row: row["uuid"])
    for key, direction in reversed(list(zip(keys, dirs))):
        if key == "uuid":
            ordered.sort(key=lambda row: row["uuid"],
                         reverse=direction == "desc")
            continue
        ordered.sort(key=lambda row: (row[key] is not None, row[key]),
                     reverse=direction == "desc")
    return [row["uuid"] for row in ordered]
