"""docs/nova-api-coverage.md and the data it comes from stay in step with
the route table."""
import importlib.util
import pathlib

from stratus.api.compute import nova_routes
from stratus.api.compute import routes

ROOT = pathlib.Path(__file__).resolve().parents[3]


def _tool():
    spec = importlib.util.spec_from_file_location(
        "nova_routes_docs", ROOT / "tools" / "nova_routes_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_coverage_page_is_up_to_date():
    """Regenerate with tools/nova_routes_docs.py."""
    assert (ROOT / "docs" / "nova-api-coverage.md").read_text() == \
        _tool().render()


def test_every_route_stratus_answers_is_one_of_novas():
    for table in (routes.ROUTES, routes.REMOVED):
        for path, methods in table.items():
            if path in nova_routes.STRATUS_ONLY:
                continue
            assert set(methods) <= set(nova_routes.NOVA_ROUTES.get(
                path, ())), path


def test_every_action_stratus_serves_is_one_of_novas():
    for route, names in nova_routes.NOVA_ACTIONS.items():
        assert nova_routes.served_actions(route) <= set(names), route


def test_a_proxy_route_is_not_served_yet_and_is_novas():
    for paths in nova_routes.PROXIES.values():
        for path in paths:
            assert path in nova_routes.NOVA_ROUTES, path
