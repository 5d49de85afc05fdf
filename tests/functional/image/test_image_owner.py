"""Images have an owner, as in Glance: the project that created them, and
for the image every cloud starts with, the admin project."""
from stratus import context as stratus_context
from stratus.identity import bootstrap as identity_bootstrap
from stratus.identity import store as identity_store
from stratus.image import bootstrap
from stratus.image import store as image_store


def _admin_project(databases):
    return identity_store.IdentityStore(databases, None).find_project(
        "admin", "default").id


def test_the_tiny_image_belongs_to_the_builtin_admin_project(
        image_conf, image_app_on, sqlite_databases):
    image_conf.set_override("auth_strategy", "builtin", "api")
    identity_bootstrap.bootstrap(image_conf, sqlite_databases)
    app = image_app_on(sqlite_databases)
    image = app.store.get(stratus_context.get_admin_context(),
                          bootstrap.DEFAULT_IMAGE_ID)
    assert image.owner == _admin_project(sqlite_databases)


def test_an_ownerless_tiny_image_gets_its_owner(image_conf, image_app_on,
                                                sqlite_databases):
    """A cloud of an earlier release made it without an owner."""
    image_app_on(sqlite_databases)
    store = image_store.ImageStore(sqlite_databases,
                                   image_store.data_dir(image_conf))
    ctx = stratus_context.get_admin_context()
    store.update(ctx, bootstrap.DEFAULT_IMAGE_ID,
                 lambda image: setattr(image, "owner", None))
    image_conf.set_override("auth_strategy", "builtin", "api")
    identity_bootstrap.bootstrap(image_conf, sqlite_databases)
    bootstrap.ensure_default_images(image_conf, sqlite_databases)
    assert store.get(ctx, bootstrap.DEFAULT_IMAGE_ID).owner == (
        _admin_project(sqlite_databases))


def test_a_new_image_belongs_to_the_creating_project(images):
    response = images.request("POST", "/v2/images", "demo", json={
        "name": "mine", "disk_format": "raw", "container_format": "bare"})
    assert response.status_int == 201
    assert response.json["owner"] == "demo"
    shown = images.request("GET", "/v2/images/%s" % response.json["id"],
                           "demo")
    assert shown.json["owner"] == "demo"
