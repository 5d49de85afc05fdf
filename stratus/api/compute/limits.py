"""GET /limits: a project's absolute limits and what it uses of them."""
from stratus.api.schemas import common
from stratus.api import validation
from stratus.api import wsgi
from stratus.policies import limits as policies
from stratus import quota

_query = common.query_schema({"tenant_id": common.query_string})

# (version from which the fields are gone, {field: value getter})
_RETIRED = (
    ((2, 36), {"maxSecurityGroups": lambda limits, used: -1,
               "maxSecurityGroupRules": lambda limits, used: -1,
               "maxTotalFloatingIps": lambda limits, used: -1,
               "totalSecurityGroupsUsed": lambda limits, used: 0,
               "totalFloatingIpsUsed": lambda limits, used: 0}),
    ((2, 39), {"maxImageMeta": lambda limits, used: limits["metadata_items"]}),
    ((2, 57), {"maxPersonality": lambda limits, used: limits["injected_files"],
               "maxPersonalitySize":
                   lambda limits, used: limits["injected_file_content_bytes"]}),
)


@validation.query_schema(_query, "2.1", "2.74")
@validation.query_schema(common.strict_variant(_query), "2.75")
def show_limits(req):
    req.authorize(policies.BASE_POLICY_NAME)
    project_id = req.context.project_id
    if "tenant_id" in req.GET:
        project_id = req.GET["tenant_id"]
        req.authorize(policies.OTHER_PROJECT_LIMIT_POLICY_NAME,
                      {"project_id": project_id})
    engine = quota.Quotas(req.app.conf)
    limits = engine.limits(req.context, project_id)
    used = engine.usage(req.context, project_id)
    absolute = {
        "maxTotalInstances": limits["instances"],
        "maxTotalCores": limits["cores"],
        "maxTotalRAMSize": limits["ram"],
        "maxServerMeta": limits["metadata_items"],
        "maxTotalKeypairs": limits["key_pairs"],
        "maxServerGroups": limits["server_groups"],
        "maxServerGroupMembers": limits["server_group_members"],
        "totalInstancesUsed": used["instances"],
        "totalCoresUsed": used["cores"],
        "totalRAMUsed": used["ram"],
        "totalServerGroupsUsed": used["server_groups"],
    }
    for gone_in, fields in _RETIRED:
        if req.api_version < gone_in:
            absolute.update({name: value(limits, used)
                             for name, value in fields.items()})
    return wsgi.json_response(req, {"limits": {"absolute": absolute,
                                               "rate": []}})
