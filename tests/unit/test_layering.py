"""DESIGN.md's layering, checked over the whole tree: who may import whom
(docs/architecture.md, "What may import what"). Imports inside functions
count as much as those at the top of a module."""
import ast
import collections
import importlib
import inspect
import pathlib
import pkgutil

import stratus
from stratus import exception

PACKAGE = pathlib.Path(stratus.__file__).parent

# (importer, must not import, why): prefixes of dotted module names.
FORBIDDEN = [
    ("stratus.api", "stratus.virt", "the API never calls a driver"),
    ("stratus.compute_api", "stratus.virt", "the API never calls a driver"),
    ("stratus.compute", "stratus.db",
     "a hypervisor host holds no database credentials"),
    ("stratus.compute", "stratus.compute_api",
     "the compute API's business layer runs in `stratus api`"),
    ("stratus.compute", "stratus.api", "a host runs without the REST layer"),
    ("stratus.virt", "stratus.api", "a host runs without the REST layer"),
    ("stratus.virt", "stratus.db",
     "a hypervisor host holds no database credentials"),
    ("stratus.compute", "stratus.network.store",
     "a hypervisor host holds no database credentials"),
    ("stratus.virt", "stratus.network.store",
     "a hypervisor host holds no database credentials"),
    ("stratus.compute", "stratus.volume.store",
     "a hypervisor host holds no database credentials"),
    ("stratus.virt", "stratus.volume.store",
     "a hypervisor host holds no database credentials"),
    ("stratus.virt", "stratus.compute", "the manager drives the driver"),
    ("stratus.virt", "stratus.conductor", "drivers talk to nothing remote"),
    ("stratus.metadata", "stratus.api",
     "config drives carry the same content on a host"),
    ("stratus.conductor", "stratus.api", "the conductor has no REST layer"),
    ("stratus.conductor", "stratus.compute_api",
     "the conductor is called over RPC, never the other way round"),
    ("stratus.conductor", "stratus.virt", "only a compute calls a driver"),
    ("stratus.scheduler", "stratus.api", "the scheduler has no REST layer"),
    ("stratus.scheduler", "stratus.compute_api",
     "the scheduler is called over RPC"),
    ("stratus.scheduler", "stratus.virt", "only a compute calls a driver"),
    ("stratus.scheduler", "stratus.conductor",
     "the scheduler answers the conductor, never calls it"),
]
# The data layers sit below every service: they import none of them.
DATA_LAYERS = ("stratus.objects", "stratus.db", "stratus.placement",
               "stratus.identity", "stratus.image", "stratus.network")
SERVICES = ("stratus.api", "stratus.compute_api", "stratus.compute",
            "stratus.conductor", "stratus.scheduler", "stratus.virt",
            "stratus.cmd")
FORBIDDEN += [(data, service, "data layers sit below the services")
              for data in DATA_LAYERS for service in SERVICES]

# A service's published face: its RPC client and the server state machine.
# Anyone may import them; they import nothing else of their package, so
# they are nodes of their own in the package graph.
INTERFACES = ("stratus.compute.rpcapi", "stratus.compute.states",
              "stratus.conductor.rpcapi", "stratus.scheduler.rpcapi")

# Where StratusException subclasses are declared: one module per service.
EXCEPTION_MODULES = ("stratus.exception", "stratus.placement.exception",
                     "stratus.identity.exception", "stratus.image.exception",
                     "stratus.network.exception", "stratus.volume.exception",
                     "stratus.client_exception",
                     "stratus.api.errors")


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules():
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


MODULES = _modules()


def _imported(path):
    """The stratus modules path imports, anywhere in it."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module \
                and node.level == 0:
            names = [node.module + "." + alias.name
                     if node.module + "." + alias.name in MODULES
                     else node.module for alias in node.names]
        else:
            continue
        yield from (name for name in names if name in MODULES)


IMPORTS = {name: set(_imported(path)) - {name}
           for name, path in MODULES.items()}


def _under(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def _package_node(name):
    """The node of a module in the package graph: its package below
    stratus (a top-level module stands for itself), or an interface."""
    if name in INTERFACES:
        return name
    return ".".join(name.split(".")[:2])


def _cycles(graph):
    """The strongly connected components of more than one node."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _may_import(importer, imported):
    if imported in INTERFACES and not _under(importer, "stratus.virt"):
        return True
    return not any(_under(importer, who) and _under(imported, what)
                   for who, what, _ in FORBIDDEN)


def test_no_module_imports_what_its_layer_may_not():
    why = {(who, what): reason for who, what, reason in FORBIDDEN}
    broken = sorted(
        "%s imports %s: %s" % (importer, imported, reason)
        for importer, imports in IMPORTS.items()
        for imported in imports if not _may_import(importer, imported)
        for (who, what), reason in why.items()
        if _under(importer, who) and _under(imported, what))
    assert not broken, "\n".join(broken)


def test_no_import_cycle_between_modules():
    assert not _cycles(IMPORTS)


def test_no_import_cycle_between_packages():
    graph = collections.defaultdict(set)
    edges = collections.defaultdict(list)
    for importer, imports in IMPORTS.items():
        for imported in imports:
            a, b = _package_node(importer), _package_node(imported)
            if a != b:
                graph[a].add(b)
                edges[a, b].append("%s -> %s" % (importer, imported))
    cycles = _cycles(graph)
    assert not cycles, [
        (cycle, [edge for a in cycle for b in cycle for edge in edges[a, b]])
        for cycle in cycles]


def test_interfaces_import_nothing_else_of_their_package():
    leaking = sorted(
        "%s imports %s" % (interface, imported)
        for interface in INTERFACES
        for imported in IMPORTS[interface]
        if _under(imported, interface.rsplit(".", 1)[0]))
    assert not leaking, leaking


def test_exceptions_are_declared_in_the_exception_module_of_their_service():
    stray = []
    for info in pkgutil.walk_packages(stratus.__path__, "stratus."):
        if ".migrations." in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) \
                    and issubclass(value, exception.StratusException) \
                    and value.__module__ == info.name \
                    and info.name not in EXCEPTION_MODULES:
                stray.append("%s.%s" % (info.name, name))
    assert not stray, stray
