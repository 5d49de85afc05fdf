"""The request schemas of POST /servers/{id}/action, as Nova 34 has them:
every action validates its body; the actions Nova lets take any value keep
taking what clients send; the deprecated console actions take the console
types Nova names and exist up to 2.5 only."""
import pytest

from stratus.api.compute import server_actions
from stratus.api import validation
from stratus import exception
from stratus.policies import remote_consoles as console_policies

# Nova 34's {"<action>": {}}: any value ("restrict to null in a future
# microversion"); openstackclient and novaclient send null, tempest {}.
ANY_VALUE = ("unlock", "os-stop", "os-start", "pause", "unpause", "suspend",
             "resume", "unrescue", "injectNetworkInfo", "restore",
             "forceDelete", "shelve", "shelveOffload", "confirmResize",
             "revertResize")
CONSOLES = {"os-getVNCConsole": ["novnc", "xvpvnc"],
            "os-getSPICEConsole": ["spice-html5"],
            "os-getSerialConsole": ["serial"]}
ALL_TYPES = ["novnc", "xvpvnc", "spice-html5", "serial", "rdp-html5",
             "webmks"]


def _schema(action, version=(2, 1)):
    """The body schema of the action in force at version."""
    for schema, low, high in server_actions.ACTIONS[action]._body_schemas:
        if (low is None or low <= version) and \
                (high is None or version <= high):
            return schema
    return None


def _valid(action, value, version=(2, 1)):
    try:
        validation.validate(_schema(action, version), {action: value})
    except exception.ValidationError:
        return False
    return True


def test_every_action_validates_its_body():
    """As Nova 34 (every action method has a schema)."""
    assert not [name for name, handler in server_actions.ACTIONS.items()
                if not getattr(handler, "_body_schemas", None)]


@pytest.mark.parametrize("action", ANY_VALUE)
@pytest.mark.parametrize("value", [None, {}, "x", 5, [], {"any": 1}])
def test_actions_that_read_nothing_take_any_value(action, value):
    assert _valid(action, value)


def test_trigger_crash_dump_takes_null_only():
    assert _valid("trigger_crash_dump", None, (2, 17))
    assert not _valid("trigger_crash_dump", {}, (2, 17))


@pytest.mark.parametrize("action", sorted(CONSOLES))
def test_console_actions_take_the_types_nova_names(action):
    for console_type in ALL_TYPES:
        assert _valid(action, {"type": console_type}) == (
            console_type in CONSOLES[action]), console_type
    for value in (None, {}, {"type": None}, "novnc",
                  {"type": CONSOLES[action][0], "extra": 1}):
        assert not _valid(action, value), value


@pytest.mark.parametrize("action", sorted(CONSOLES) + ["os-getRDPConsole"])
def test_console_actions_end_at_2_5(action):
    assert _schema(action, (2, 5)) is not None
    assert _schema(action, (2, 6)) is None


def test_the_rdp_console_body_is_not_looked_at():
    for value in (None, {}, {"type": "rdp-html5"}, 5):
        assert _valid("os-getRDPConsole", value)


def test_the_console_actions_share_the_remote_consoles_rule():
    rule, = [rule for rule in console_policies.list_rules()
             if rule.name == console_policies.REMOTE_CONSOLES]
    paths = {operation["path"] for operation in rule.operations}
    assert paths == {"/servers/{server_id}/remote-consoles"} | {
        "/servers/{server_id}/action (%s)" % action
        for action in CONSOLES}
