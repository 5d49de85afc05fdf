"""The built-in block storage app on the test databases, its volume
files in the test's own directory."""
import pytest

from stratus.api.volume import app as volume_app


@pytest.fixture
def volume_conf(conf, tmp_path):
    conf.set_override("volumes_dir", str(tmp_path / "volumes"), "cinder")
    yield conf
    conf.clear_override("volumes_dir", "cinder")


def _started(conf, databases):
    served = volume_app.VolumeApp(conf, databases)
    served.start()
    yield served
    served.stop()


@pytest.fixture
def app(volume_conf, databases):
    yield from _started(volume_conf, databases)


@pytest.fixture
def sqlite_app(volume_conf, sqlite_databases):
    yield from _started(volume_conf, sqlite_databases)
