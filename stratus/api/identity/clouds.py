"""Client configuration the all-in-one writes into its data directory:
clouds.yaml for the OpenStack clients (cloud ``stratus``, admin in project
admin, and ``stratus-demo``, demo in project demo), and the same two as
shell files of OS_* variables (``openrc``, ``openrc-demo``) for clients
that read only the environment, as novaclient's `nova`."""
import os
import shlex
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


def _auth_url(conf):
    return "http://127.0.0.1:%d/v3" % conf.identity.port


def _accounts(conf):
    """(file suffix, cloud name, user, password, project)."""
    return [("", "stratus", "admin", conf.identity.admin_password, "admin"),
            ("-demo", "stratus-demo", "demo", conf.identity.demo_password,
             "demo")]


def write_clouds_yaml(path, conf):
    """Write the file (mode 0600: it holds passwords), replacing any."""
    document = {"clouds": {
        name: _cloud(conf, _auth_url(conf), user, password, project)
        for _, name, user, password, project in _accounts(conf)}}
    _write_private(path, yaml.safe_dump(document, default_flow_style=False))


def write_openrc_files(directory, conf):
    """openrc (admin) and openrc-demo (demo) in directory, mode 0600;
    the paths written."""
    paths = []
    for suffix, _, user, password, project in _accounts(conf):
        path = os.path.join(directory, "openrc" + suffix)
        _write_private(path, _openrc(conf, user, password, project))
        paths.append(path)
    return paths


def _openrc(conf, user, password, project):
    variables = [
        ("OS_AUTH_URL", _auth_url(conf)),
        ("OS_USERNAME", user),
        ("OS_PASSWORD", password),
        ("OS_PROJECT_NAME", project),
        ("OS_USER_DOMAIN_NAME", "Default"),
        ("OS_PROJECT_DOMAIN_NAME", "Default"),
        ("OS_REGION_NAME", conf.identity.region_name),
        ("OS_INTERFACE", "public"),
        ("OS_IDENTITY_API_VERSION", "3"),
    ]
    lines = ["# Stratus all-in-one: %s in project %s." % (user, project),
             "# Usage: source this file, then `openstack server list` or "
             "`nova list`.",
             "# (OS_CLOUD would make the clients read clouds.yaml instead.)",
             "unset OS_CLOUD"]
    lines += ["export %s=%s" % (name, shlex.quote(str(value)))
              for name, value in variables]
    return "\n".join(lines) + "\n"


def _write_private(path, text):
    """Write text to path atomically, readable by the owner only."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix=".client-")
    try:
        with os.fdopen(fd, "w") as tmp_file:
            tmp_file.write(text)
        os.replace(tmp_path, path)
    except BaseException:
        os.unlink(tmp_path)
        raise
