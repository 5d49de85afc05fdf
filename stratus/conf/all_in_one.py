"""[all_in_one]: how `stratus all-in-one` lays out its simulated cloud."""
from oslo_config import cfg

OPTS = [
    cfg.IntOpt("compute_hosts", default=3, min=1,
               help="Compute hosts the all-in-one simulates: each its own "
                    "nova-compute service (hosts compute1 ... computeN) "
                    "with its own fake driver and [fake_driver] nodes "
                    "nodes, so moves, anti-affinity and host maintenance "
                    "have somewhere to go. With 1, the one compute host is "
                    "[DEFAULT] host. The libvirt driver always runs one "
                    "host (the machine itself)."),
    cfg.IntOpt("cells", default=1, min=1, max=64,
               help="Cells the all-in-one runs, each with its own database "
                    "(cell<K>.db in the data directory), its own in-process "
                    "message transport and its own conductor; compute "
                    "hosts are spread over them (compute1 in cell1, "
                    "compute2 in cell2, ...), so raise compute_hosts to "
                    "give every cell a host. A data directory keeps the "
                    "cells it has: fewer are never run."),
]


def register_opts(conf):
    conf.register_opts(OPTS, group="all_in_one")


def list_opts():
    return [("all_in_one", OPTS)]
