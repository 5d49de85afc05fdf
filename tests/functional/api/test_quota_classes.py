"""Quota classes in the API database, on every backend: stored limits
replace earlier ones, the rest come from the [quota] options, and the
default class's are the defaults of projects."""
import pytest

from stratus.objects import quotas as quotas_obj
from stratus import quota
from tests.functional.api import fixtures


@pytest.fixture
def context(databases):
    return fixtures.project_context(databases)


def test_class_limits_stored_merged_and_defaulting_projects(context, conf):
    engine = quota.Quotas(conf)
    quotas_obj.set_class_limits(context, "\u2603 gold", {"instances": 3})
    quotas_obj.set_class_limits(context, "\u2603 gold", {"instances": 4,
                                                         "cores": -1})
    assert quotas_obj.get_class_limits(context, "\u2603 gold") == {
        "instances": 4, "cores": -1}
    gold = engine.class_limits(context, "\u2603 gold")
    assert (gold["instances"], gold["cores"], gold["ram"]) == (4, -1, 51200)
    # another class is no project's default
    assert engine.defaults(context)["instances"] == 10
    quotas_obj.set_class_limits(context, "default", {"instances": 25})
    assert engine.defaults(context)["instances"] == 25
    assert engine.limits(context, fixtures.PROJECT)["instances"] == 25
    assert engine.class_limits(context, "nothing stored") == \
        engine.class_limits(context, "other")
