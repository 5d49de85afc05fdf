"""Fixtures shared by every test: configuration and real databases."""
import tempfile

import futurist._thread
import pytest

from stratus import conf as stratus_conf
from stratus import objects
from stratus.db import migration
from stratus.db import setup as db_setup
from stratus.testing import response_check
from tests import dbs
from tests import scheduling
from tests import timeline

objects.register_all()

# Every cloud a test stops waits for its RPC servers' idle worker threads,
# which look for the stop only once per futurist's idle poll (1 s): a
# shorter poll makes each teardown take milliseconds instead of seconds.
futurist._thread.ThreadWorker.MAX_IDLE_FOR = 0.05


@pytest.fixture
def conf():
    """Stratus's options with [api] auth_strategy = noauth chosen
    explicitly: most tests speak as 'user:project' (the shipped default is
    keystone; tests/functional/api/test_safe_defaults.py checks it)."""
    return stratus_conf.build_conf(overrides={
        ("api", "auth_strategy"): "noauth",
        # The in-process clouds of the functional tests keep the fake
        # driver's invented addresses and no network but "public" (the
        # all-in-one's defaults, neutron ports and a shared "private",
        # are the client tests': tests/client/conftest.py).
        ("network", "provider"): "simulated",
        ("neutron", "private_cidr"): ""})


# Cell databases beyond cell1, made (and migrated) only for the tests
# that ask for them (the fixture cell_urls); never mapped unless a test
# maps them.
EXTRA_CELLS = ("cell2", "cell3")


class CloudDatabases:
    """The three migrated databases of one backend, reused across tests,
    and on demand the extra cells' (EXTRA_CELLS)."""

    def __init__(self, backend, tmp_dir):
        self.backend = backend
        self.tmp_dir = tmp_dir
        self.urls = {role: dbs.create_database(
            backend, dbs.database_name(backend, role), tmp_dir)
            for role in ("api", "cell0", "cell1")}
        self.databases = None

    def with_extra_cells(self):
        """The urls of every role, the extra cells' made on first use
        (empty and migrated, not mapped)."""
        for role in EXTRA_CELLS:
            if role not in self.urls:
                url = dbs.create_database(
                    self.backend, dbs.database_name(self.backend, role),
                    self.tmp_dir)
                migration.upgrade("cell", url)
                self.urls[role] = url
        return dict(self.urls)

    def fresh(self):
        """Databases emptied of everything a previous test left (migrated
        once, by the first test: emptying keeps the schema)."""
        migrate = self.databases is None
        if not migrate:
            self.databases.dispose()
            for url in self.urls.values():
                dbs.empty_tables(url)
        self.databases = db_setup.setup_cloud_databases(
            self.urls["api"], self.urls["cell0"], self.urls["cell1"],
            migrate=migrate)
        return self.databases


_CLOUD_DBS = {}


@pytest.fixture(scope="session")
def _db_tmp_dir():
    with tempfile.TemporaryDirectory(prefix="stratus-test-db-") as path:
        yield path


def migrated(urls):
    """Whether the API, cell0 and cell1 databases of urls are the shared
    ones, migrated already."""
    return any(cloud_dbs.databases is not None and all(
        urls.get(role) == cloud_dbs.urls[role]
        for role in ("api", "cell0", "cell1"))
        for cloud_dbs in _CLOUD_DBS.values())


def _cloud_dbs(backend, tmp_dir):
    if backend not in _CLOUD_DBS:
        if not dbs.service_running(backend):
            pytest.fail("%s is not running: start it (see .ci/run)" % backend)
        _CLOUD_DBS[backend] = CloudDatabases(backend, tmp_dir)
    return _CLOUD_DBS[backend]


@pytest.fixture(params=dbs.BACKENDS)
def db_backend(request):
    return request.param


@pytest.fixture
def databases(db_backend, _db_tmp_dir):
    """API DB + cell0 + cell1 on each backend in turn, empty and mapped."""
    cloud_dbs = _cloud_dbs(db_backend, _db_tmp_dir)
    yield cloud_dbs.fresh()


@pytest.fixture
def sqlite_databases(_db_tmp_dir):
    """The same on SQLite only, for tests whose subject is not the DB."""
    cloud_dbs = _cloud_dbs("sqlite", _db_tmp_dir)
    yield cloud_dbs.fresh()


@pytest.fixture
def cloud_urls(databases, db_backend, _db_tmp_dir):
    return _cloud_dbs(db_backend, _db_tmp_dir).urls


@pytest.fixture
def cell_urls(databases, db_backend, _db_tmp_dir):
    """The urls of the API, cell0, cell1 and the extra cells' databases
    (EXTRA_CELLS: migrated and empty, not mapped) on each backend."""
    return _cloud_dbs(db_backend, _db_tmp_dir).with_extra_cells()


@pytest.fixture
def sqlite_cloud_urls(sqlite_databases, _db_tmp_dir):
    """The URLs of the SQLite databases, for a whole cloud on SQLite only
    (tests of API behaviour that does not depend on the database)."""
    return _cloud_dbs("sqlite", _db_tmp_dir).urls


def pytest_configure(config):
    timeline.register(config)


def pytest_collection_modifyitems(config, items):
    """The longest units first (tests/scheduling.py)."""
    scheduling.longest_first(items)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") == "loadgroup":
        return scheduling.ModuleOrGroupScheduling(config, log)
    return None


# Every answer of the Compute and Placement APIs that a test sees is
# checked against its response schema (stratus/api/schemas/responses/,
# docs/api-schemas.md); there is no opting out.
response_check.install()


@pytest.fixture(autouse=True)
def _responses_fit_their_schemas():
    response_check.take_violations()
    yield
    found = response_check.take_violations()
    if found:
        unique = list(dict.fromkeys(found))
        pytest.fail("%d answers broke their response schema:\n%s" % (
            len(found), "\n".join(unique[:20])), pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if response_check.CHECKED[0]:
        terminalreporter.write_line(
            "response schemas: %d answers checked, %d known drifts seen"
            % (response_check.CHECKED[0], len(response_check.DRIFT)))
        for line in sorted(set(response_check.DRIFT))[:10]:
            terminalreporter.write_line("  known drift: " + line)
