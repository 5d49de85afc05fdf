# The cloud with a notification listener, as the server actions' tests
# have it (test_external_events.py: power-update's notifications), and the
# moves' two hosts (events during a resize).
from tests.functional.moves.conftest import moves_sqlite  # noqa: F401
from tests.functional.server_actions.test_notifications import (  # noqa: F401
    listened)
