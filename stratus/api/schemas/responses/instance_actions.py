"""/servers/{server_id}/os-instance-actions (Nova's api-ref "Servers
actions")."""
from stratus.api.schemas.responses import common as c

_ACTION = {"action": c.string, "instance_uuid": c.string,
           "request_id": c.string, "user_id": c.nullable_string,
           "project_id": c.nullable_string, "start_time": c.datetime,
           "message": c.nullable_string}
_action = c.bands((_ACTION, list(_ACTION)),
                  [("2.58", {"updated_at": c.nullable_datetime},
                    ["updated_at"], [])])
# Events: traceback and host are an admin's (policy); hostId from 2.62,
# details from 2.84 (policy).
_event = c.bands(
    ({"event": c.string, "start_time": c.datetime,
      "finish_time": c.nullable_datetime, "result": c.nullable_string,
      "traceback": c.nullable_string},
     ["event", "start_time", "finish_time", "result"]),
    [("2.62", {"host": c.nullable_string, "hostId": c.string},
      ["hostId"], []),
     ("2.84", {"details": c.nullable_string}, [], [])])


def _merge(first, second):
    """[(low, high, (a, b))] over the version cuts of both."""
    cuts = sorted({c.parse(low) for low, _, _ in first + second})
    result = []
    for index, cut in enumerate(cuts):
        high = ("%d.%d" % (cuts[index + 1][0], cuts[index + 1][1] - 1)
                if index + 1 < len(cuts) else None)
        pick = [next(s for low, h, s in ranged if c.parse(low) <= cut and
                     (h is None or c.parse(h) >= cut))
                for ranged in (first, second)]
        result.append(("%d.%d" % cut, high, tuple(pick)))
    return result


def _shown(pair):
    action, event = pair
    properties = dict(action["properties"], events=c.array_of(event))
    return c.wrap("instanceAction", c.obj(properties,
                                          required=action["required"]))


_ROUTE = "/v2.1/servers/{server_id}/os-instance-actions"

RESPONSES = {
    ("GET", _ROUTE): [
        (low, high, 200, c.wrap("instanceActions", c.array_of(s),
                                {"links": c.collection_links}))
        for low, high, s in _action],
    ("GET", _ROUTE + "/{request_id}"): [
        (low, high, 200, _shown(pair))
        for low, high, pair in _merge(_action, _event)],
}
