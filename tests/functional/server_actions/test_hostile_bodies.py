"""Every server action answers bad bodies with an error body, never a
500, whatever state the server is left in by the ones that succeed."""
import pytest

from stratus.api.compute import server_actions
from stratus.testing import hostile

pytestmark = pytest.mark.slow

BODY_VALUES = [None, {}, [], "x", 0, -1, True, {"x": 1},
               {"type": None, "name": ["a"], "adminPass": 1, "length": "9x",
                "rotation": "-3", "imageRef": {}, "state": 5},
               {"name": "n", "backup_type": "daily", "rotation": "99999999999"},
               {"imageRef": "not-an-image"}, {"length": 10 ** 30}]


def assert_proper(response, context):
    """A success, or an error in Nova's format; never a 500."""
    assert response.status_int < 500, (context, response.status,
                                       response.text[:500])
    assert "Traceback" not in response.text, context
    if response.status_int >= 400:
        assert hostile.compute_error_message(response.status_int,
                                             response.json), context


def test_actions_never_answer_500(actions):
    server_id = actions.boot()["id"]
    names = sorted(set(server_actions.ACTIONS) - {"forceDelete"})
    for version in ("2.1", "2.100"):
        for name in names:
            for value in BODY_VALUES:
                response = actions.act(server_id, {name: value},
                                       client=actions.admin, version=version)
                assert_proper(response, (name, value, version))
                actions.settled(server_id, client=actions.admin)
    response = actions.act(server_id, {"forceDelete": {"x": []}},
                           client=actions.admin)
    assert_proper(response, "forceDelete")
