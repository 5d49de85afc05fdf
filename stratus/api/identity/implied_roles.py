"""Role inference rules, as Keystone has them: /v3/role_inferences and
/v3/roles/{prior_role_id}/implies[/{implied_role_id}].

A user holding the prior role also holds the implied one: tokens carry the
expansion (bootstrap makes admin imply member and member imply reader).
Managing the rules takes the admin role.
"""
from stratus.api.identity import access
from stratus.api.identity import views
from stratus.api import wsgi


def _role_ref(req, role):
    return {"id": role.id, "name": role.name,
            "links": {"self": views.url(req, "roles", role.id)}}


def _inference(req, prior, implied):
    return {"role_inference": {"prior_role": _role_ref(req, prior),
                               "implies": _role_ref(req, implied)},
            "links": {"self": views.url(req, "roles", prior.id, "implies",
                                        implied.id)}}


def list_role_inferences(req):
    access.require_admin(req)
    inferences = req.app.store.list_role_inferences()
    return wsgi.json_response(req, {
        "role_inferences": [
            {"prior_role": _role_ref(req, prior),
             "implies": [_role_ref(req, role) for role in implied]}
            for prior, implied in inferences.items()],
        "links": {"self": req.path_url, "previous": None, "next": None}})


def list_implied_roles(req, prior_role_id):
    access.require_admin(req)
    store = req.app.store
    implied = store.list_implied_roles(prior_role_id)
    prior = store.get_role(prior_role_id)
    return wsgi.json_response(req, {
        "role_inference": {"prior_role": _role_ref(req, prior),
                           "implies": [_role_ref(req, role)
                                       for role in implied]},
        "links": {"self": views.url(req, "roles", prior_role_id,
                                    "implies")}})


def show_implied_role(req, prior_role_id, implied_role_id):
    access.require_admin(req)
    prior, implied = req.app.store.get_implied_role(prior_role_id,
                                                    implied_role_id)
    return wsgi.json_response(req, _inference(req, prior, implied))


def check_implied_role(req, prior_role_id, implied_role_id):
    """HEAD: 204 when the rule exists (Keystone's answer)."""
    access.require_admin(req)
    req.app.store.get_implied_role(prior_role_id, implied_role_id)
    return wsgi.empty_response(req)


def create_implied_role(req, prior_role_id, implied_role_id):
    access.require_admin(req)
    prior, implied = req.app.store.create_implied_role(prior_role_id,
                                                       implied_role_id)
    return wsgi.json_response(req, _inference(req, prior, implied),
                              status=201)


def delete_implied_role(req, prior_role_id, implied_role_id):
    access.require_admin(req)
    req.app.store.delete_implied_role(prior_role_id, implied_role_id)
    return wsgi.empty_response(req)
