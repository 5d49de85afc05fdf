import os
import stat

from openstack import config as os_config

from stratus.api.identity import clouds


def test_clouds_yaml_is_private_and_readable_by_the_clients(conf, tmp_path):
    conf.set_override("port", 15000, group="identity")
    conf.set_override("admin_password", "s3cret", group="identity")
    path = str(tmp_path / "clouds.yaml")
    clouds.write_clouds_yaml(path, conf)
    clouds.write_clouds_yaml(path, conf)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["clouds.yaml"]
    loader = os_config.OpenStackConfig(config_files=[path])
    admin = loader.get_one("stratus")
    assert admin.config["auth"]["auth_url"] == "http://127.0.0.1:15000/v3"
    assert admin.config["auth"]["username"] == "admin"
    assert admin.config["auth"]["password"] == "s3cret"
    assert admin.config["auth"]["project_name"] == "admin"
    assert admin.config["region_name"] == "RegionOne"
    assert admin.config["identity_api_version"] == "3"
    demo = loader.get_one("stratus-demo")
    assert demo.config["auth"]["username"] == "demo"
    assert demo.config["auth"]["project_name"] == "demo"
