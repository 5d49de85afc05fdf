"""POST /os-server-external-events (other services, the service role):
events about servers, each answered with its own code (200 handed to
the server's host, 404 no such server, 422 no host yet, 400 a tag
missing), the whole with 200, or 207 when any event was not handed
over, or 404 when none was. The business is in
stratus/compute_api/external_events.py."""
from stratus.api.schemas import server_external_events as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.policies import server_external_events as policies


@validation.schema(schemas.create, "2.1", "2.50")
@validation.schema(schemas.create_v251, "2.51", "2.75")
@validation.schema(schemas.create_v276, "2.76", "2.81")
@validation.schema(schemas.create_v282, "2.82", "2.92")
@validation.schema(schemas.create_v293, "2.93")
def create_external_events(req):
    req.authorize(policies.CREATE, {})
    events = req.json_document()["events"]
    status, answered = req.app.compute_api.external_instance_event(
        req.context, events)
    return wsgi.json_response(req, {"events": answered}, status=status)
