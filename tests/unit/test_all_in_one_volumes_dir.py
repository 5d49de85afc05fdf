"""Where the all-in-one's built-in block storage service keeps its volume
files: with the libvirt driver, not in the 0700 data directory (QEMU,
user libvirt-qemu, must traverse every directory above a volume file:
tests/functional/libvirt/test_volume_servers.py)."""
from stratus.cmd import all_in_one
from stratus import conf as stratus_conf


def test_libvirt_volumes_are_outside_the_data_directory(tmp_path):
    conf = stratus_conf.build_conf(overrides={
        (None, "compute_driver"): "libvirt"})
    all_in_one.configure(conf, str(tmp_path / "data"))
    assert conf.cinder.volumes_dir == "/var/lib/stratus/volumes"


def test_an_operators_volumes_dir_and_the_fake_driver_keep_theirs(tmp_path):
    config = tmp_path / "stratus.conf"
    config.write_text("[DEFAULT]\ncompute_driver = libvirt\n"
                      "[cinder]\nvolumes_dir = /srv/volumes\n")
    conf = stratus_conf.build_conf(config_files=[str(config)])
    all_in_one.configure(conf, str(tmp_path / "a"))
    assert conf.cinder.volumes_dir == "/srv/volumes"
    conf = stratus_conf.build_conf()
    all_in_one.configure(conf, str(tmp_path / "b"))
    assert conf.cinder.volumes_dir == ""
