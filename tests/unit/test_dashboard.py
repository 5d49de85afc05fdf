"""`stratus all-in-one --dashboard` without a browser: its options, the
Horizon settings it writes, the clear refusal when Horizon is not
installed, and the static files' handler of the child (the browser test,
tests/browser/test_horizon.py, runs the real thing)."""
import io
import os

import pytest

from stratus.cmd import main
from stratus import dashboard


def test_the_dashboard_options_parse():
    args = main.parse_args(["all-in-one", "--dashboard", "--dashboard-port",
                            "0"])
    assert (args.dashboard, args.dashboard_port, args.dashboard_listen) == (
        True, 0, "127.0.0.1")
    args = main.parse_args(["all-in-one"])
    assert (args.dashboard, args.dashboard_port) == (False, None)


def _settings(path):
    namespace = {"__file__": path}
    with open(path) as source:
        exec(compile(source.read(), path, "exec"), namespace)
    return namespace


def test_the_settings_name_this_cloud_and_keep_their_key(tmp_path):
    path = dashboard.write_settings(
        str(tmp_path), "http://127.0.0.1:5001/v3", "/opt/h/static",
        allowed_hosts=["192.0.2.7"])
    first = _settings(path)
    assert first["OPENSTACK_KEYSTONE_URL"] == "http://127.0.0.1:5001/v3"
    assert first["OPENSTACK_API_VERSIONS"] == {
        "identity": 3, "image": 2, "volume": 3, "compute": 2}
    assert first["OPENSTACK_KEYSTONE_DEFAULT_DOMAIN"] == "Default"
    # The built-in identity manages groups: the Groups panel's actions show.
    assert first["OPENSTACK_KEYSTONE_BACKEND"]["can_edit_group"] is True
    assert first["STATIC_ROOT"] == "/opt/h/static"
    assert first["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert first["SESSION_ENGINE"].endswith(".file")
    assert first["SESSION_FILE_PATH"] == str(tmp_path / "sessions")
    assert "192.0.2.7" in first["ALLOWED_HOSTS"]
    assert len(first["SECRET_KEY"]) > 40
    assert oct(os.stat(tmp_path / "secret_key").st_mode & 0o777) == "0o600"
    # A restart on another identity port: new URL, the same key (sessions
    # stay valid); lasting changes live in local_settings_extra.py.
    with open(tmp_path / "local" / "local_settings_extra.py", "w") as extra:
        extra.write("SESSION_TIMEOUT = 60\n")
    second = _settings(dashboard.write_settings(
        str(tmp_path), "http://127.0.0.1:5002/v3", "/opt/h/static"))
    assert second["OPENSTACK_KEYSTONE_URL"] == "http://127.0.0.1:5002/v3"
    assert second["SECRET_KEY"] == first["SECRET_KEY"]
    assert second["SESSION_TIMEOUT"] == 60


def test_panels_of_what_the_all_in_one_lacks_are_hidden(tmp_path):
    """No backups, volume groups nor user credentials: their panels'
    policy rules are refused in a policy directory the settings name."""
    settings = _settings(dashboard.write_settings(
        str(tmp_path), "http://127.0.0.1:5001/v3", "/opt/h/static"))
    assert settings["OPENSTACK_CINDER_FEATURES"] == {"enable_backup": False}
    volume_dir = settings["POLICY_DIRS"]["volume"][0]
    identity_dir = settings["POLICY_DIRS"]["identity"][0]
    assert volume_dir == str(tmp_path / "policy" / "volume")
    with open(os.path.join(volume_dir, "stratus.yaml")) as rules:
        volume = rules.read()
    with open(os.path.join(identity_dir, "stratus.yaml")) as rules:
        identity = rules.read()
    for rule in ("group:get_all", "group:get_all_group_snapshots",
                 "group:group_types_manage"):
        assert '"%s": "!"' % rule in volume
    assert '"identity:list_credentials": "!"' in identity


def test_without_horizon_it_stops_before_the_cloud_and_names_the_script(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STRATUS_HORIZON_VENV", str(tmp_path / "none"))
    data = tmp_path / "data"
    status = main.main(["all-in-one", "--dashboard", "--data-dir",
                        str(data)])
    assert status == 1
    error = capsys.readouterr().err
    assert "Horizon is not installed" in error
    assert "tools/install-horizon.sh" in error
    assert not (data / "api.db").exists()


def _get(app, path, method="GET", query=""):
    answer = {}

    def start(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)
    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": method,
                         "QUERY_STRING": query,
                         "wsgi.input": io.BytesIO()}, start))
    return answer["status"], answer["headers"], body


def test_the_child_serves_static_files_and_nothing_outside(tmp_path):
    root = tmp_path / "static"
    (root / "dashboard").mkdir(parents=True)
    (root / "dashboard" / "a.css").write_text("body {}")
    (tmp_path / "secret").write_text("no")

    def horizon(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"horizon"]
    app = dashboard._static_app(horizon, str(root))
    status, headers, body = _get(app, "/static/dashboard/a.css")
    assert (status, headers["Content-Type"], body) == (
        "200 OK", "text/css", b"body {}")
    assert _get(app, "/static/../secret")[0] == "404 Not Found"
    assert _get(app, "/static/dashboard/")[0] == "404 Not Found"
    assert _get(app, "/static/dashboard/a.css", "POST")[0] == "404 Not Found"
    assert _get(app, "/project/")[2] == b"horizon"


def test_listening_everywhere_allows_any_host_name(tmp_path):
    settings = _settings(dashboard.write_settings(
        str(tmp_path), "http://127.0.0.1:5000/v3", "/s",
        allowed_hosts=["0.0.0.0"]))
    assert settings["ALLOWED_HOSTS"][0] == "*"


def test_a_taken_port_is_refused_with_the_reason(tmp_path, monkeypatch):
    import socket
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("#!/bin/sh\nexit 1\n")
    (venv / "bin" / "python").chmod(0o755)
    (venv / "static" / "dashboard").mkdir(parents=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = dashboard.DashboardProcess(
            str(tmp_path), "http://127.0.0.1:5000/v3", port=port,
            venv=str(venv))
        with pytest.raises(dashboard.DashboardError,
                           match="cannot listen on 127.0.0.1:%d" % port):
            process.start()


def test_the_console_tab_is_the_serial_console_unless_chosen_otherwise(
        tmp_path):
    """The guests write to their serial port: the Console tab shows it;
    local_settings_extra.py may choose noVNC instead."""
    path = dashboard.write_settings(
        str(tmp_path), "http://127.0.0.1:5001/v3", "/opt/h/static")
    settings = _settings(path)
    assert settings["CONSOLE_TYPE"] == "SERIAL"
    # The tab frames Horizon's serial console page: same origin only.
    assert settings["X_FRAME_OPTIONS"] == "SAMEORIGIN"
    with open(tmp_path / "local" / "local_settings_extra.py", "w") as extra:
        extra.write('CONSOLE_TYPE = "VNC"\n')
    assert _settings(path)["CONSOLE_TYPE"] == "VNC"


def test_the_access_log_names_each_request_with_its_query(capsys):
    def horizon(environ, start_response):
        start_response("500 Internal Server Error", [])
        return [b""]
    app = dashboard._access_log(horizon)
    _get(app, "/api/glance/metadefs/namespaces/",
         query="resource_type=OS::Nova::Server&properties_target=metadata")
    _get(app, "/project/")
    _get(app, "/static/dashboard/a.css")
    assert capsys.readouterr().out.splitlines() == [
        "GET /api/glance/metadefs/namespaces/?resource_type=OS::Nova::Server"
        "&properties_target=metadata 500",
        "GET /project/ 500"]
