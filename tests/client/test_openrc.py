"""`source openrc; nova ...`: novaclient's command line driven only by the
OS_* variables of the files the all-in-one writes."""
import os
import stat
import subprocess

import pytest

from stratus.api.identity import clouds
from stratus.image import bootstrap as image_bootstrap
from tests.client.conftest import BIN

pytestmark = pytest.mark.slow


def _nova(openrc, *args):
    """Run `nova args` in a shell that sourced openrc and nothing else."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("OS_")}
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    command = "source %s && nova %s" % (openrc, " ".join(args))
    result = subprocess.run(["bash", "-c", command], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (command, result.stdout, result.stderr)
    return result.stdout


def test_openrc_files_drive_novaclient(http_cloud, tmp_path):
    admin_rc, demo_rc = clouds.write_openrc_files(str(tmp_path), http_cloud.conf)
    assert [os.path.basename(path) for path in (admin_rc, demo_rc)] == [
        "openrc", "openrc-demo"]
    for path in (admin_rc, demo_rc):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    _nova(demo_rc, "boot", "--flavor", "m1.tiny", "--image",
          image_bootstrap.DEFAULT_IMAGE_ID, "--nic", "none", "--poll",
          "rc-vm")
    listing = _nova(demo_rc, "list")
    assert "rc-vm" in listing and "ACTIVE" in listing
    # The admin's file is another user in another project.
    assert "rc-vm" not in _nova(admin_rc, "list")
    assert "rc-vm" in _nova(admin_rc, "list", "--all-tenants")
