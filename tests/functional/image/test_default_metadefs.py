"""The metadata definitions every cloud starts with (issue 18): a new
cloud's catalogue answers Horizon's "Update Metadata" dialogs and the
launch wizard's Metadata step for images, flavors, volumes and instances,
and a start leaves an existing catalogue's changes alone."""
import jsonschema
import pytest

from stratus.api.schemas import image_metadefs as schemas
from stratus.image import bootstrap
from tests.functional.image.conftest import ImageClient

DEFAULTS = [body["namespace"] for body in bootstrap.default_namespaces()]


@pytest.fixture
def cloud(image_conf, image_app_on, databases):
    """The image app of a cloud that started once; start() starts it
    again on the same databases."""
    def start():
        bootstrap.ensure_default_metadefs(image_conf, databases)
    start()
    client = ImageClient(image_app_on(databases))
    client.start = start
    return client


def _listed(images, resource_type, as_project="demo"):
    """Horizon's query: the namespaces of a resource type, each shown as
    that resource type names its properties."""
    listed = images.request(
        "GET", "/v2/metadefs/namespaces?resource_types=%s&limit=1000"
        "&sort_key=namespace&sort_dir=asc" % resource_type, as_project)
    assert listed.status_int == 200, listed.text
    shown = {}
    for item in listed.json["namespaces"]:
        response = images.request(
            "GET", "/v2/metadefs/namespaces/%s?resource_type=%s"
            % (item["namespace"], resource_type), as_project)
        assert response.status_int == 200, response.text
        shown[item["namespace"]] = response.json
    return shown


def _names(images, as_project="admin"):
    listed = images.request("GET", "/v2/metadefs/namespaces?limit=1000",
                            as_project)
    assert listed.status_int == 200, listed.text
    return sorted(item["namespace"] for item in listed.json["namespaces"])


def test_the_defaults_are_namespaces_an_admin_could_import():
    assert DEFAULTS, "no default namespaces"
    for body in bootstrap.default_namespaces():
        jsonschema.Draft4Validator(schemas.namespace).validate(body)
        assert body["visibility"] == "public" and body["protected"]


def test_a_new_cloud_answers_every_metadata_dialog(cloud):
    assert _names(cloud) == sorted(DEFAULTS)
    for resource_type in ("OS::Glance::Image", "OS::Nova::Flavor",
                          "OS::Cinder::Volume", "OS::Nova::Server"):
        assert _listed(cloud, resource_type), resource_type
    # Images: the properties the filters and the libvirt driver read.
    image = _listed(cloud, "OS::Glance::Image")
    assert image["OS::Compute::Hypervisor"]["properties"]["vm_mode"][
        "enum"] == ["hvm", "xen", "uml", "exe"]
    assert "hw_qemu_guest_agent" in image["OS::Compute::LibvirtImage"][
        "properties"]
    # Flavors: named with the association's prefix, as extra specs.
    flavor = _listed(cloud, "OS::Nova::Flavor")
    assert "capabilities:cpu_info:arch" in flavor[
        "OS::Compute::HostCapabilities"]["properties"]
    # The wizard's Metadata step: namespaces whose association with
    # servers targets their metadata (Horizon filters on it).
    server = _listed(cloud, "OS::Nova::Server")
    runtimes = server["OS::Software::Runtimes"]
    assert {"name": "OS::Nova::Server", "properties_target": "metadata"} \
        in [{key: item[key] for key in ("name", "properties_target")
             if key in item}
            for item in runtimes["resource_type_associations"]]
    assert "Python" in [item["name"] for item in runtimes["objects"]]
    # Owned by the admin project, public, protected: a member reads
    # them and may not delete them; an admin must unprotect first.
    namespace = "/v2/metadefs/namespaces/OS::Software::Runtimes"
    assert runtimes["owner"] == "admin" and runtimes["protected"]
    assert cloud.request("DELETE", namespace).status_int == 403
    assert cloud.request("DELETE", namespace, "admin").status_int == 403


def test_a_start_keeps_the_catalogue_as_the_admin_left_it(cloud):
    namespace = "/v2/metadefs/namespaces/OS::Compute::Hypervisor"
    shown = cloud.request("GET", namespace, "admin").json
    body = {key: shown[key] for key in ("namespace", "display_name",
                                        "description", "owner")}
    body.update(visibility="private", protected=False)
    changed = cloud.request("PUT", namespace, "admin", json=body)
    assert changed.status_int == 200, changed.text
    cloud.start()
    assert _names(cloud) == sorted(DEFAULTS)
    # Private now: members no longer see it; the admin still does.
    assert cloud.request("GET", namespace).status_int == 404
    kept = cloud.request("GET", namespace, "admin").json
    assert kept["visibility"] == "private" and not kept["protected"]
    assert kept["properties"] == shown["properties"]
    # Deleted, it is back at the next start (as db_load_metadefs would).
    assert cloud.request("DELETE", namespace, "admin").status_int == 204
    assert "OS::Compute::Hypervisor" not in _names(cloud)
    cloud.start()
    assert _names(cloud) == sorted(DEFAULTS)
    assert cloud.request("GET", namespace).json["visibility"] == "public"


def test_an_existing_catalogue_gets_the_missing_defaults_only(
        image_conf, image_app_on, databases):
    """A cloud from before the defaults, whose admin imported a namespace
    of a default's name (Glance's file, say): a start adds the others and
    leaves that one as imported."""
    images = ImageClient(image_app_on(databases))
    imported = {"namespace": "OS::Software::Runtimes",
                "display_name": "Runtimes, as imported",
                "visibility": "public", "protected": False,
                "resource_type_associations": [{"name": "OS::Glance::Image"}],
                "properties": {"sw_runtime_go_version": {
                    "title": "Go", "type": "string"}}}
    response = images.request("POST", "/v2/metadefs/namespaces", "admin",
                              json=imported)
    assert response.status_int == 201, response.text
    assert _names(images) == ["OS::Software::Runtimes"]
    bootstrap.ensure_default_metadefs(image_conf, databases)
    bootstrap.ensure_default_metadefs(image_conf, databases)
    assert _names(images) == sorted(DEFAULTS)
    kept = images.request(
        "GET", "/v2/metadefs/namespaces/OS::Software::Runtimes").json
    assert kept["display_name"] == "Runtimes, as imported"
    assert list(kept["properties"]) == ["sw_runtime_go_version"]
    assert "objects" not in kept
