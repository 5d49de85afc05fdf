"""The suite relies on pytest-xdist's `--dist loadgroup` to keep each
xdist_group on one worker (the outage scenarios one after another, the
dataplane tests apart from each other). pytest 9.2 broke that silently
(pyproject.toml pins below it): here a grouped test checks that it was
given its group."""
import pytest


@pytest.mark.xdist_group("grouping-check")
def test_a_grouped_test_runs_in_its_group(request):
    if request.config.getoption("dist", "no") != "loadgroup" and not \
            request.config.getoption("loadgroup", False):
        pytest.skip("not run with pytest-xdist --dist loadgroup")
    assert request.node.nodeid.endswith("@grouping-check"), (
        "%s: pytest-xdist did not put this test in its group; with this "
        "pytest version every xdist_group runs spread over the workers"
        % request.node.nodeid)
