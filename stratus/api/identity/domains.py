"""/v3/domains: the one domain, ``default``."""
from stratus.api.identity import access
from stratus.api.identity import views
from stratus.api.schemas import identity as schema
from stratus.api import validation
from stratus.api import wsgi


@validation.query_schema(schema.list_domains_query)
def list_domains(req):
    access.require_admin(req)
    wanted = views.filters(req, "name", "enabled")
    domain = req.app.store.get_domain("default")
    matches = all(getattr(domain, key) == value
                  for key, value in wanted.items())
    return views.collection(
        req, "domains", [views.domain(req, domain)] if matches else [])


def show_domain(req, domain_id):
    # Every user lives in the one domain, so every user may read it.
    domain = req.app.store.get_domain(domain_id)
    return wsgi.json_response(req, {"domain": views.domain(req, domain)})
