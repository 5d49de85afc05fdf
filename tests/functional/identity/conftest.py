import pytest
import webob

from stratus.api.identity import app as identity_app
from stratus.identity import bootstrap
from tests.functional.identity.serving import served  # noqa: F401 (fixture)


class IdentityClient:
    """Requests to the Identity app in-process, as a client sends them."""

    def __init__(self, app):
        self.app = app

    def request(self, method, path, token=None, subject=None, json=None,
                body=None):
        headers = {"Accept": "application/json"}
        if token:
            headers["X-Auth-Token"] = token
        if subject:
            headers["X-Subject-Token"] = subject
        req = webob.Request.blank(path, method=method, headers=headers)
        if json is not None:
            req.json = json
        elif body is not None:
            req.body = body
            req.content_type = "application/json"
        return req.get_response(self.app)

    def authenticate(self, user, password, project=None, scope=None):
        """The response to a password authentication by names."""
        auth = {"identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"name": "Default"},
            "password": password}}}}
        if project is not None:
            auth["scope"] = {"project": {"name": project,
                                         "domain": {"id": "default"}}}
        elif scope is not None:
            auth["scope"] = scope
        return self.request("POST", "/v3/auth/tokens", json={"auth": auth})

    def token(self, user, password, project=None):
        response = self.authenticate(user, password, project)
        assert response.status_int == 201, response.text
        return response.headers["X-Subject-Token"]

    def admin_token(self):
        return self.token("admin", "admin", "admin")

    def demo_token(self):
        return self.token("demo", "demo", "demo")


@pytest.fixture
def identity_conf(conf, tmp_path):
    conf.set_override("state_path", str(tmp_path))
    return conf


def _identity(conf, databases):
    bootstrap.bootstrap(conf, databases)
    return IdentityClient(identity_app.make_app(conf, databases))


@pytest.fixture
def identity(identity_conf, databases):
    """The Identity app with the bootstrap accounts, on each database."""
    return _identity(identity_conf, databases)


@pytest.fixture
def sqlite_identity(identity_conf, sqlite_databases):
    """The same on SQLite only, for tests of the API surface."""
    return _identity(identity_conf, sqlite_databases)
