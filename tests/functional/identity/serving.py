"""The built-in Identity, Image and Network services on loopback ports,
for tests that drive them with the real OpenStack clients (and that play
a cloud's Keystone, Glance and Neutron)."""
import os

import openstack
import pytest

from stratus.api.identity import app as identity_app
from stratus.api.identity import clouds
from stratus.api.image import app as image_app
from stratus.api.network import app as network_app
from stratus.identity import bootstrap as identity_bootstrap
from stratus.image import bootstrap as image_bootstrap
from stratus import wsgi_server


class ServedServices:
    def __init__(self, conf, databases, state_dir):
        conf.set_override("state_path", state_dir)
        conf.set_override("auth_strategy", "builtin", group="api")
        identity_bootstrap.bootstrap(conf, databases)
        image_bootstrap.ensure_default_images(conf, databases)
        self.server = wsgi_server.serve([
            ("identity", identity_app.make_app(conf, databases),
             "127.0.0.1", 0),
            ("image", image_app.make_app(conf, databases), "127.0.0.1", 0),
            ("network", network_app.make_app(conf, databases),
             "127.0.0.1", 0),
        ], threads=4)
        # The catalog names the ports the OS chose.
        for name, group in (("identity", "identity"), ("image", "glance"),
                            ("network", "neutron")):
            port = int(self.server.url(name).rsplit(":", 1)[1])
            conf.set_override("port", port, group=group)
        self.auth_url = self.server.url("identity") + "/v3"
        self.clouds_yaml = os.path.join(state_dir, "clouds.yaml")
        clouds.write_clouds_yaml(self.clouds_yaml, conf)

    def connect(self, user, password, project):
        """An openstacksdk connection that reads no config but ours."""
        return openstack.connect(
            auth_url=self.auth_url, username=user, password=password,
            project_name=project, user_domain_name="Default",
            project_domain_name="Default", region_name="RegionOne",
            load_yaml_config=False, load_envvars=False)

    def stop(self):
        self.server.stop()


def keystone_authtoken(auth_url):
    """[keystone_authtoken] as an operator writes it for Nova: the service
    user 'admin' validates users' tokens at auth_url."""
    return ("[keystone_authtoken]\n"
            "www_authenticate_uri = %(url)s\n"
            "auth_url = %(url)s\n"
            "auth_type = password\n"
            "username = admin\npassword = admin\nproject_name = admin\n"
            "user_domain_name = Default\nproject_domain_name = Default\n"
            "service_token_roles_required = false\n" % {"url": auth_url})


@pytest.fixture
def served(conf, sqlite_databases, tmp_path):
    """Identity and Image served on loopback ports (SQLite: the subject is
    the protocol the clients speak)."""
    services = ServedServices(conf, sqlite_databases, str(tmp_path))
    yield services
    services.stop()
