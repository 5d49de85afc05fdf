"""clouds.yaml for the OpenStack clients: cloud ``stratus`` (admin in
project admin) and ``stratus-demo`` (demo in project demo)."""
import os
import tempfile

import yaml


def _cloud(conf, auth_url, user, password, project):
    return {
        "auth": {"auth_url": auth_url, "username": user,
                 "password": password, "project_name": project,
                 "user_domain_name": "Default",
                 "project_domain_name": "Default"},
        "region_name": conf.identity.region_name,
        "identity_api_version": 3,
        "interface": "public",
    }


def write_clouds_yaml(path, conf):
    """Write the file (mode 0600: it holds passwords), replacing any."""
    auth_url = "http://127.0.0.1:%d/v3" % conf.identity.port
    document = {"clouds": {
        "stratus": _cloud(conf, auth_url, "admin",
                          conf.identity.admin_password, "admin"),
        "stratus-demo": _cloud(conf, auth_url, "demo",
                               conf.identity.demo_password, "demo"),
    }}
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix=".clouds-")
    try:
        with os.fdopen(fd, "w") as tmp_file:
            yaml.safe_dump(document, tmp_file, default_flow_style=False)
        os.replace(tmp_path, path)
    except BaseException:
        os.unlink(tmp_path)
        raise
