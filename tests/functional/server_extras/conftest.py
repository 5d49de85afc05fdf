# The cloud with a notification listener, as the server actions' tests
# have it (test_external_events.py: power-update's notifications).
from tests.functional.server_actions.test_notifications import (  # noqa: F401
    listened)
