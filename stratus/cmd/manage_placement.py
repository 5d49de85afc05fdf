"""`stratus manage placement ...`: nova-manage's placement commands, with
its options, messages and exit codes (the logic is in
stratus/conductor/placement_audit.py).

    heal_allocations [--max-count N] [--verbose] [--dry-run]
                     [--instance UUID] [--skip-port-allocations]
                     [--cell UUID] [--force]
        0 allocations created or updated, 1 --max-count reached (run
        again), 2 a server's compute node is missing, 3 an allocation
        could not be written, 4 nothing to heal, 127 bad input
    audit [--verbose] [--delete] [--resource_provider UUID]
        0 no orphaned allocations, 1 unexpected error, 3 orphans found,
        4 orphans found and deleted, 127 unknown provider
    sync_aggregates [--verbose]
        0 done, 3 placement refused a provider's aggregates, 4 hosts
        without host mapping, 5 hosts without compute node, 6 compute
        nodes without provider (Nova's 1, a host with several compute
        nodes, is not an error here: all of a host's nodes join)
"""
from stratus.cmd.manage_util import positive_count
from stratus.conductor import placement_audit
from stratus.db import setup as db_setup
from stratus import exception
from stratus.objects import aggregate as aggregate_obj
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.placement import exception as placement_exception

INVALID_INPUT = 127
# Servers heal_allocations reads per batch without --max-count (Nova's).
HEAL_BATCH = 50


def add_parsers(placement):
    """The placement commands, on placement (argparse subparsers)."""
    heal = placement.add_parser(
        "heal_allocations",
        help="create missing allocations of servers on hosts")
    heal.add_argument("--max-count", dest="max_count", metavar="<max_count>",
                      help="servers to heal in this run (default: all, "
                           "%d at a time)" % HEAL_BATCH)
    heal.add_argument("--verbose", action="store_true")
    heal.add_argument("--dry-run", action="store_true", dest="dry_run",
                      help="print what would be healed, change nothing")
    heal.add_argument("--instance", dest="instance_uuid",
                      metavar="<instance_uuid>",
                      help="heal this server only")
    heal.add_argument("--skip-port-allocations", action="store_true",
                      dest="skip_port_allocations",
                      help="do not heal port allocations (Stratus's ports "
                           "ask for no resources: accepted for "
                           "nova-manage's scripts)")
    heal.add_argument("--cell", dest="cell_uuid", metavar="<cell_uuid>",
                      help="heal the servers of this cell only")
    heal.add_argument("--force", action="store_true",
                      help="rewrite the allocations of the --instance "
                           "server even when it has some")
    heal.set_defaults(func=heal_allocations)

    audit = placement.add_parser(
        "audit", help="find (and --delete) orphaned allocations")
    audit.add_argument("--verbose", action="store_true")
    audit.add_argument("--delete", action="store_true",
                       help="delete the orphaned allocations found")
    audit.add_argument("--resource_provider", dest="provider_uuid",
                       metavar="<uuid>",
                       help="audit this resource provider only")
    audit.set_defaults(func=audit_allocations)

    sync = placement.add_parser(
        "sync_aggregates",
        help="mirror host aggregates to placement aggregates")
    sync.add_argument("--verbose", action="store_true")
    sync.set_defaults(func=sync_aggregates)


def _output(args):
    return print if args.verbose else (lambda _message: None)


def heal_allocations(conf, args):
    output = _output(args)
    if args.instance_uuid and args.cell_uuid:
        print("The --cell and --instance options are mutually exclusive.")
        return INVALID_INPUT
    if args.force and not args.instance_uuid:
        print("The --force option requires the --instance option.")
        return INVALID_INPUT
    if args.max_count is not None:
        max_count = positive_count(
            args.max_count, "Must supply a positive integer for --max-count.")
        if max_count is None:
            return INVALID_INPUT
        unlimited = False
    else:
        max_count, unlimited = HEAL_BATCH, True
        output("Running batches of %i until complete" % max_count)
    ctx = args.admin_context()
    try:
        if args.instance_uuid:
            healed = _heal_one(ctx, args, output)
        else:
            healed = _heal_cells(ctx, args, max_count, unlimited, output)
    except placement_audit.HealError as exc:
        print(exc)
        return exc.code
    except _InvalidInput as exc:
        print(exc)
        return INVALID_INPUT
    if healed is None:
        return 1
    output("Processed %s instances." % healed)
    return 0 if healed else 4


class _InvalidInput(Exception):
    pass


def _heal_one(ctx, args, output):
    try:
        mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, args.instance_uuid)
    except exception.InstanceMappingNotFound:
        mapping = None
    if mapping is None or not mapping.cell_uuid:
        raise _InvalidInput(
            "Unable to find cell for instance %s, is it mapped? Try running "
            "'stratus manage cell_v2 verify_instance' or 'stratus manage "
            "cell_v2 map_instances'." % args.instance_uuid)
    with ctx.target_cell(mapping.cell_uuid) as cctx:
        try:
            server = instance_obj.Instance.get_by_uuid(
                cctx, args.instance_uuid, expected_attrs=["flavor"])
        except exception.InstanceNotFound as exc:
            raise _InvalidInput("Instance with uuid %s was not found."
                                % args.instance_uuid) from exc
        return int(placement_audit.heal_instance(
            cctx, server, output, args.dry_run, args.force))


def _heal_cells(ctx, args, max_count, unlimited, output):
    """Servers healed; None when --max-count was reached."""
    cells = [cell for cell in cell_mapping_obj.CellMappingList.get_all(ctx)
             if cell.uuid != db_setup.CELL0_UUID]
    if args.cell_uuid:
        cells = [cell for cell in cells if cell.uuid == args.cell_uuid]
        if not cells:
            raise _InvalidInput("Cell with uuid %s was not found."
                                % args.cell_uuid)
    if not cells:
        output("No cells to process.")
        return 0
    healed = 0
    for cell in cells:
        output("Looking for instances in cell: %s(%s)"
               % (cell.name, cell.uuid))
        limit = max_count if unlimited else max_count - healed
        with ctx.target_cell(cell.uuid) as cctx:
            healed += placement_audit.heal_cell(cctx, limit, unlimited,
                                                output, args.dry_run)
        if not unlimited and healed == max_count:
            output("Max count reached. Processed %s instances." % healed)
            return None
    return healed


def audit_allocations(conf, args):
    output = _output(args)
    ctx = args.admin_context()
    try:
        orphans = placement_audit.find_orphans(ctx, args.provider_uuid)
    except placement_exception.ResourceProviderNotFound:
        print("Resource provider with UUID %s does not exist."
              % args.provider_uuid)
        return INVALID_INPUT
    try:
        for orphan in orphans:
            output("Allocations for consumer UUID %s on Resource Provider "
                   "%s can be deleted: %s" % (orphan.consumer_uuid,
                                              orphan.provider_uuid,
                                              orphan.resources))
            if args.delete:
                placement_audit.delete_orphan(ctx, orphan)
                output("Deleted allocations for consumer UUID %s on "
                       "Resource Provider %s" % (orphan.consumer_uuid,
                                                 orphan.provider_uuid))
    except exception.StratusException as exc:
        print("Unexpected error: %s" % exc)
        return 1
    output("Processed %d orphaned allocations." % len(orphans))
    if not orphans:
        return 0
    return 4 if args.delete else 3


def sync_aggregates(conf, args):
    ctx = args.admin_context()
    try:
        result = placement_audit.sync_aggregates(
            ctx, aggregate_obj.AggregateList.get_all(ctx), _output(args))
    except placement_audit.AggregateUpdateFailed as exc:
        print(exc)
        return 3
    code = 0
    if result.providers_not_found:
        print("Unable to find matching resource provider record in "
              "placement with uuid for the following hosts: %s. Try "
              "restarting the compute service on each host and then retry."
              % ", ".join("(%s=%s)" % item for item in
                          sorted(result.providers_not_found.items())))
        code = 6
    if result.computes_not_found:
        print("Unable to find matching compute_nodes record entries in the "
              "cell database for the following hosts; does the compute "
              "service on each host need to be restarted? Missing: %s"
              % ",".join(sorted(result.computes_not_found)))
        code = 5
    if result.unmapped_hosts:
        print("The following hosts were found in host aggregates but no "
              "host mappings were found in the API DB. Run \"stratus manage "
              "cell_v2 discover_hosts\" and then retry. Missing: %s"
              % ",".join(sorted(result.unmapped_hosts)))
        code = 4
    return code
