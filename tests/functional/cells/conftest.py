"""Three real host cells (cell1, and cell2 and cell3 mapped at the extra
test databases of the backend under test) behind the servers API."""
import pytest

from tests.functional.cells import cross_cell_env
from tests.functional.cells import fixtures


@pytest.fixture
def cells(conf, databases, cell_urls, tmp_path):
    """The servers API over cell0 and three host cells, on each backend
    in turn; servers are placed with ``cells.place(cell=...)``."""
    env = fixtures.Cells(conf, databases, cell_urls, tmp_path)
    yield env
    env.close()


@pytest.fixture
def cells_cloud(conf, cell_urls, tmp_path):
    """The two-cell all-in-one of the cross-cell moves (cross_cell_env)."""
    yield from cross_cell_env.cells_cloud(conf, cell_urls, tmp_path)


@pytest.fixture
def env(cells_cloud):
    return cross_cell_env.Env(cells_cloud)
