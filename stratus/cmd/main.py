"""The `stratus` command: one binary, a subcommand per service.

    stratus all-in-one [--data-dir DIR]      the whole cloud in one process
                       [--dashboard]         ... and Horizon beside it
    stratus api|conductor|scheduler|compute  one service (distributed mode)
    stratus serialproxy|novncproxy           a console proxy
    stratus manage ...                       database and cell set-up
    stratus status upgrade check             upgrade readiness (nova-status)
    stratus image build-tiny                 build and register the tiny guest
    stratus --version                        the release
"""
import argparse
import logging
import sys
import warnings

from stratus import version


def _quiet_library_warnings():
    # eventlet is a hard dependency of oslo.service; Stratus uses native
    # threads and never monkey-patches, so its deprecation notice is noise.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", module="oslo_service")
    warnings.filterwarnings("ignore", message=".*[Ee]ventlet.*")


# Commands whose output is read by scripts: no log line of their own.
_COMMANDS_NOT_SERVICES = ("manage", "status", "image")


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def build_parser():
    parser = argparse.ArgumentParser(prog="stratus", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config-file", action="append", default=[],
                        help="oslo.config INI file (may repeat)")
    parser.add_argument("--debug", action="store_true", help="log at DEBUG")
    parser.add_argument("--version", action="version",
                        version="%(prog)s " + version.VERSION)
    sub = parser.add_subparsers(dest="command", required=True)

    aio = sub.add_parser("all-in-one", help="run the whole cloud in one process")
    aio.add_argument("--data-dir", help="where databases, images and keys live "
                     "(default: the user's data directory)")
    aio.add_argument("--hosts", type=_positive,
                     help="compute hosts to simulate (default 3: "
                          "[all_in_one] compute_hosts)")
    aio.add_argument("--cells", type=_positive,
                     help="cells to run, each with its own database, "
                          "message transport and conductor (default 1: "
                          "[all_in_one] cells)")
    aio.add_argument("--nodes", type=_positive,
                     help="fake hypervisor nodes per compute host (default "
                          "1: [fake_driver] nodes)")
    aio.add_argument("--auth", choices=["builtin", "keystone", "noauth"],
                     default=None,
                     help="auth strategy (default builtin; keystone needs "
                     "[keystone_authtoken] in a config file; noauth is for "
                     "development only)")
    aio.add_argument("--compute-port", type=int)
    aio.add_argument("--identity-port", type=int)
    aio.add_argument("--image-port", type=int)
    aio.add_argument("--network-port", type=int)
    aio.add_argument("--volume-port", type=int)
    aio.add_argument("--placement-port", type=int)
    aio.add_argument("--dashboard", action="store_true",
                     help="also serve the OpenStack dashboard (Horizon, "
                     "installed by tools/install-horizon.sh; "
                     "docs/dashboard.md)")
    aio.add_argument("--dashboard-port", type=int, default=None,
                     help="the dashboard's port (default 8080; 0: any free)")
    aio.add_argument("--dashboard-listen", default="127.0.0.1",
                     help="the dashboard's address (default loopback)")
    aio.add_argument("--init-only", action="store_true",
                     help="create databases, users, flavors and images, then exit")

    for name in ("api", "conductor", "scheduler", "compute", "network",
                 "volume"):
        sub.add_parser(name, help="run the %s service" % name)
    sub.add_parser("serialproxy", help="run the serial console proxy")
    sub.add_parser("novncproxy", help="run the noVNC console proxy")

    manage = sub.add_parser("manage", help="database and cell management")
    from stratus.cmd import manage as manage_cmd
    manage_cmd.add_options(manage)
    manage_commands = manage.add_subparsers(dest="manage_command",
                                            required=True)
    manage_cmd.add_parsers(manage_commands)
    manage_commands.add_parser(
        "version", help="print the release (nova-manage version)"
    ).set_defaults(func=_print_version)

    status = sub.add_parser("status", help="deployment status checks "
                            "(nova-status)")
    from stratus.cmd import status as status_cmd
    status_cmd.add_options(status)
    status_cmd.add_parsers(status.add_subparsers(dest="status_command",
                                                 required=True))

    image = sub.add_parser("image", help="images Stratus builds")
    from stratus.cmd import image as image_cmd
    image_cmd.add_parsers(image.add_subparsers(dest="image_command",
                                               required=True))
    _accept_anywhere(parser, "--config-file", action="append",
                     dest="config_files_after",
                     help="oslo.config INI file (may repeat; files are "
                          "read in the order given)")
    _accept_anywhere(parser, "--debug", action="store_true",
                     dest="debug_after", help="log at DEBUG")
    return parser


def _print_version(conf, args):
    print(version.VERSION)
    return 0


def _accept_anywhere(parser, *args, dest, depth=1, **kwargs):
    """Let every subcommand take this option after its name too
    (`stratus all-in-one --config-file x.conf`). Each level of
    subcommands keeps its own destination: argparse copies a
    subcommand's namespace over its parent's."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                subparser.add_argument(*args, dest="%s_%d" % (dest, depth),
                                       default=argparse.SUPPRESS, **kwargs)
                _accept_anywhere(subparser, *args, dest=dest,
                                 depth=depth + 1, **kwargs)


def parse_args(argv=None):
    """The arguments, with --config-file and --debug merged from wherever
    on the command line they were given (in command-line order)."""
    args = build_parser().parse_args(argv)
    extra = sorted(name for name in vars(args)
                   if name.startswith(("config_files_after_",
                                       "debug_after_")))
    for name in extra:
        value = getattr(args, name)
        if name.startswith("config_files_after_"):
            args.config_file = list(args.config_file) + list(value)
        else:
            args.debug = args.debug or value
        delattr(args, name)
    return args


def main(argv=None):
    _quiet_library_warnings()
    args = parse_args(argv)
    from stratus import conf as stratus_conf
    from stratus import log
    from stratus import objects
    objects.register_all()
    conf = stratus_conf.build_conf(config_files=args.config_file)
    if args.debug:
        conf.set_override("debug", True)
    log.setup(conf)
    if args.command not in _COMMANDS_NOT_SERVICES:
        # Which release runs: what an operator (and the upgrade test)
        # reads first in a service's log during a rolling upgrade.
        logging.getLogger(__name__).info("Stratus %s: %s", version.VERSION,
                                         args.command)
    from stratus import exception
    from stratus import wsgi_server
    try:
        return _run(conf, args)
    except (wsgi_server.ListenError, exception.ServiceTooOld) as error:
        print("stratus: %s" % error, file=sys.stderr, flush=True)
        return 1


def _run(conf, args):
    if args.command == "all-in-one":
        from stratus.cmd import all_in_one
        return all_in_one.main(conf, args)
    if args.command in ("manage", "status"):
        # (status's checks run as manage's commands do: same --data-dir,
        # same admin context)
        from stratus.cmd import manage as manage_cmd
        return manage_cmd.main(conf, args)
    if args.command == "image":
        from stratus.cmd import image as image_cmd
        return image_cmd.main(conf, args)
    from stratus.cmd import services
    runner = getattr(services, "run_" + args.command)
    return runner(conf)


if __name__ == "__main__":
    sys.exit(main())
