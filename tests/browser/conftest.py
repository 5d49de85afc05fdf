"""The fixtures of the browser tests: one all-in-one with its dashboard
for the package's tests (they run in one xdist group), and a browser per
test."""
import os
import shutil

import pytest

from bench import deploy
from tests.browser import horizon


@pytest.fixture(scope="package")
def aio(tmp_path_factory):
    reason = horizon.missing()
    if reason:
        pytest.skip(reason)
    workdir = str(tmp_path_factory.mktemp("horizon"))
    dep = deploy.Deployment(workdir)
    ports = {name: deploy.free_port() for name in (
        "compute", "identity", "image", "placement", "network", "volume",
        "dashboard")}
    conf_path = os.path.join(workdir, "stratus.conf")
    deploy.write_config(conf_path, {
        # One host: a resize stays on it (as on a one-node DevStack).
        "DEFAULT": {"allow_resize_to_same_host": True},
        "serial_console": {"serialproxy_port": 0},
        "vnc": {"novncproxy_port": 0},
    })
    process = dep.spawn("all-in-one", [
        "--config-file", conf_path, "all-in-one", "--hosts", "1",
        "--data-dir", os.path.join(workdir, "data"),
        "--compute-port", str(ports["compute"]),
        "--identity-port", str(ports["identity"]),
        "--image-port", str(ports["image"]),
        "--placement-port", str(ports["placement"]),
        "--network-port", str(ports["network"]),
        "--volume-port", str(ports["volume"]),
        "--dashboard", "--dashboard-port", str(ports["dashboard"])])
    url = "http://127.0.0.1:%d/" % ports["dashboard"]
    try:
        horizon.wait_for_banner(dep, process, url)
    except Exception:
        dep.stop()
        raise
    dep.dashboard_url = url
    dep.identity_url = "http://127.0.0.1:%d/v3" % ports["identity"]
    dep.compute_url = "http://127.0.0.1:%d/v2.1" % ports["compute"]
    dep.data_dir = os.path.join(workdir, "data")
    yield dep
    dep.stop()


@pytest.fixture
def browser(tmp_path):
    """The browser; its screenshots and pages go to tmp_path/artifacts
    (pytest keeps the latest runs' tmp_paths), or to
    $STRATUS_TEST_ARTIFACTS/horizon-PID, removed there when the test
    passed."""
    shared = os.environ.get("STRATUS_TEST_ARTIFACTS")
    if shared:
        directory = os.path.join(shared, "horizon-%d" % os.getpid())
    else:
        directory = str(tmp_path / "artifacts")
    os.makedirs(directory, exist_ok=True)
    print("browser screenshots and pages: %s" % directory)
    try:
        chromium = horizon.Browser(directory)
    except Exception as error:  # noqa: BLE001 - the reason is the message
        pytest.fail("headless Chromium did not start: %s" % error)
    yield chromium
    chromium.quit()
    if shared and chromium.passed:
        shutil.rmtree(directory, ignore_errors=True)
