"""migrate_server carries the API's cross-cell permission at 1.11 only
(a conductor capped below keeps the move in its cell)."""
import pytest

from stratus.conductor import manager
from stratus.conductor import rpcapi as conductor_rpcapi
from tests.unit.conductor.test_bdm_proxy import _Messaging


@pytest.mark.parametrize("cap,allowed,sent", [
    (None, True, ("1.11", {"allow_cross_cell_move": True})),
    (None, False, ("1.4", {})),
    ("1.10", True, ("1.4", {})),
])
def test_cross_cell_permission_sent_when_the_conductor_knows_it(cap, allowed,
                                                                sent):
    api = conductor_rpcapi.ConductorAPI(_Messaging(cap))
    api.migrate_server(None, "instance", "flavor", "host",
                       allow_cross_cell_move=allowed)
    version, extra = sent
    assert api.client._client.sent["migrate_server"] == (version, dict(
        instance="instance", flavor="flavor", host="host", **extra))


def test_the_manager_takes_it():
    assert manager.ConductorManager.target.version == conductor_rpcapi.VERSION
    assert "allow_cross_cell_move" in \
        manager.ConductorManager.migrate_server.__wrapped__.__code__ \
        .co_varnames
