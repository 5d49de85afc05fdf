"""`stratus image`: images Stratus makes itself.

    stratus image build-tiny [--data-dir DIR] [--cache-dir DIR]
                             [--kernel-package-dir DIR]

build-tiny builds the tiny guest from Debian packages (see
stratus/image/tiny.py) and registers tiny-kernel, tiny-ramdisk, tiny
(direct kernel boot) and tiny-disk (self-booting qcow2) in the image
service the configuration names: the built-in one of the all-in-one's data
directory unless [glance] api_servers is set.
"""
from stratus.api.image import app as image_app
from stratus import context as stratus_context
from stratus.conf import default as default_conf
from stratus.image import tiny
from stratus.image import exception as image_exception


def add_parsers(subparsers):
    build_tiny = subparsers.add_parser(
        "build-tiny", help="build the tiny guest image and register it")
    build_tiny.add_argument("--data-dir", help="the all-in-one's data "
                            "directory (default: the user's)")
    build_tiny.add_argument("--cache-dir", help="where the built files are "
                            "kept (default: <state_path>/tiny-image)")
    build_tiny.add_argument("--kernel-package-dir",
                            default=tiny.KERNEL_PACKAGE_DIR,
                            help="where the linux-image .deb is (downloaded "
                            "there when missing)")
    build_tiny.set_defaults(func=build_tiny_image)


def build_tiny_image(conf, args):
    from stratus.cmd import all_in_one
    if not conf.glance.api_servers:
        all_in_one.configure(conf, args.data_dir
                             or all_in_one.default_data_dir())
    cache_dir = args.cache_dir or default_conf.state_dir(conf, "tiny-image")
    try:
        artifacts = tiny.build(cache_dir, args.kernel_package_dir)
    except image_exception.TinyImageError as error:
        print(error.format_message())
        return 1
    databases = None
    if not conf.glance.api_servers:
        cloud = all_in_one.Cloud(conf, conf.state_path, serve_http=False)
        cloud.bootstrap()
        databases = cloud.databases
    try:
        api = image_app.image_api(conf, databases)
        ids = tiny.register(stratus_context.get_admin_context(), api,
                            artifacts)
    finally:
        if databases is not None:
            databases.dispose()
    print("Built the tiny guest (kernel %s) in %s" % (
        artifacts.kernel_version, cache_dir))
    for role, name in tiny.IMAGE_NAMES.items():
        print("  %-13s %s" % (name, ids[role]))
    return 0


def main(conf, args):
    return args.func(conf, args)
