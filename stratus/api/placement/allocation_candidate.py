"""GET /allocation_candidates (1.10): where a request could go.

Granular groups (``resources1``, ``required1``, ... from 1.25, any suffix
from 1.33), ``group_policy``, ``limit`` (1.16), ``required`` (1.17;
forbidden ``!`` 1.22; any-of ``in:`` 1.39), ``member_of`` (1.21),
``in_tree`` (1.31), ``root_required`` (1.35), ``same_subtree`` and
resourceless groups (1.36).
"""
import re

from stratus.api.placement import util
from stratus.api import wsgi
from stratus.placement import candidates
from stratus.placement import errors as codes
from stratus.placement import exception

_DIGIT_SUFFIX = re.compile(
    r"^(resources|required|member_of|in_tree)([1-9][0-9]*)$")
_ANY_SUFFIX = re.compile(
    r"^(resources|required|member_of|in_tree)(_?[a-zA-Z0-9_-]{1,64})$")


def _suffix_pattern(req):
    return _ANY_SUFFIX if util.wants(req, 33) else _DIGIT_SUFFIX


def _parse_groups(req):
    pattern = _suffix_pattern(req) if util.wants(req, 25) else None
    groups = {}
    for key in set(req.GET.keys()):
        if key in ("resources", "required", "member_of", "in_tree"):
            prefix, suffix = key, ""
        else:
            found = pattern.match(key) if pattern else None
            if not found:
                continue
            prefix, suffix = found.group(1), found.group(2)
        group = groups.setdefault(suffix, candidates.RequestGroup(suffix))
        values = req.GET.getall(key)
        if prefix == "resources":
            if len(values) > 1:
                raise util.http_error(400, "Query parameter %r may be "
                                      "provided only once." % key,
                                      codes.QUERY_DUPLICATE_KEY)
            group.resources = util.parse_resources(values[0], key)
        elif prefix == "required":
            group.required, group.forbidden = util.parse_required(
                req, values, key)
        elif prefix == "member_of":
            group.member_of, group.forbidden_aggregates = (
                util.parse_member_of(req, values, key))
        else:
            if len(values) > 1:
                raise util.http_error(400, "Query parameter %r may be "
                                      "provided only once." % key,
                                      codes.QUERY_DUPLICATE_KEY)
            group.in_tree = util.normalize_uuid(values[0], key)
    return groups


def _build_query(req):
    allowed = {"resources", "limit", "required", "member_of", "in_tree",
               "group_policy", "root_required", "same_subtree"}
    for minor, name in ((16, "limit"), (17, "required"), (21, "member_of"),
                        (25, "group_policy"), (31, "in_tree"),
                        (35, "root_required"), (36, "same_subtree")):
        if not util.wants(req, minor):
            allowed.discard(name)
    util.check_query(req, allowed, _suffix_pattern(req)
                     if util.wants(req, 25) else None)
    for key in req.GET.keys():
        found = _suffix_pattern(req).match(key)
        if found and found.group(1) == "in_tree" and not util.wants(req, 31):
            raise util.http_error(400, "Invalid query string parameters: "
                                  "'%s' was unexpected" % key)
    groups = _parse_groups(req)
    if not any(group.resources for group in groups.values()):
        raise util.http_error(400, "At least one resources parameter is "
                              "required: ?resources=VCPU:1",
                              codes.QUERY_MISSING_VALUE)
    orphans = sorted(suffix for suffix, group in groups.items()
                     if not group.resources)
    if orphans and not util.wants(req, 36):
        raise util.http_error(
            400, "All traits parameters must be associated with resources. "
            "Found the following orphaned traits keys: %s"
            % ", ".join("required%s" % suffix for suffix in orphans),
            codes.QUERY_BAD_VALUE)
    granular = [s for s, g in groups.items() if s and g.resources]
    policy = util.single(req, "group_policy")
    if policy is not None and policy not in ("none", "isolate"):
        raise util.http_error(400, "Invalid query string parameters: "
                              "'%s' is not one of ['isolate', 'none']"
                              % policy, codes.QUERY_BAD_VALUE)
    if len(granular) > 1 and policy is None:
        raise util.http_error(400, 'The "group_policy" parameter is required '
                              'when specifying more than one "resources{N}" '
                              'parameter.', codes.QUERY_MISSING_VALUE)
    limit = util.single(req, "limit")
    if limit is not None:
        if not util.is_digits(limit) or int(limit) < 1:
            raise util.http_error(400, "Invalid query string parameters: "
                                  "limit must be a positive integer. Got: %s"
                                  % limit, codes.QUERY_BAD_VALUE)
        limit = int(limit)
    root_required, root_forbidden = [], set()
    if req.GET.getall("root_required"):
        root_required, root_forbidden = util.parse_required(
            req, req.GET.getall("root_required"), "root_required")
        if any(len(any_of) > 1 for any_of in root_required):
            raise util.http_error(400, "root_required does not take any-of "
                                  "(in:) values", codes.QUERY_BAD_VALUE)
    same_subtree = []
    for value in req.GET.getall("same_subtree"):
        suffixes = value.split(",")
        unknown = [s for s in suffixes if s not in groups or not s]
        if unknown:
            raise util.http_error(400, "Real request groups must be used "
                                  "with same_subtree; unknown: %s"
                                  % ", ".join(unknown), codes.QUERY_BAD_VALUE)
        same_subtree.append(suffixes)
    for suffix, group in groups.items():
        if not group.resources and suffix and not any(
                suffix in subtree for subtree in same_subtree):
            raise util.http_error(400, "Resourceless suffixed group request "
                                  "should be specified in `same_subtree` "
                                  "query param: %s" % suffix,
                                  codes.QUERY_BAD_VALUE)
    return candidates.CandidateQuery(
        groups=[groups[s] for s in sorted(groups)],
        group_policy=policy or "none", limit=limit,
        same_subtree=same_subtree, root_required=root_required,
        root_forbidden=root_forbidden)


def list_allocation_candidates(req):
    if not util.wants(req, 10):
        raise util.http_error(404, "The resource could not be found.")
    req.authorize("placement:allocation_candidates:list")
    request = _build_query(req)
    try:
        found = candidates.find_candidates(req.context, request)
    except exception.ResourceClassNotFound as exc:
        raise util.http_error(400, "Invalid resource class in resources "
                              "parameter: %s" % exc.kwargs["name"])
    except exception.TraitNotFound as exc:
        raise util.http_error(400, exc.format_message())
    return wsgi.json_response(req, {
        "allocation_requests": [_request_view(req, r)
                                for r in found.allocation_requests],
        "provider_summaries": _summaries_view(req, request, found)})


def _request_view(req, request):
    if not util.wants(req, 12):
        return {"allocations": [
            {"resource_provider": {"uuid": uuid}, "resources": resources}
            for uuid, resources in sorted(request.allocations.items())]}
    body = {"allocations": {uuid: {"resources": resources}
                            for uuid, resources in
                            request.allocations.items()}}
    if util.wants(req, 34):
        body["mappings"] = request.mappings
    return body


def _summaries_view(req, request, found):
    if util.wants(req, 29):
        shown = found.provider_summaries
    else:
        in_requests = {uuid for r in found.allocation_requests
                       for uuid in r.allocations}
        shown = {uuid: s for uuid, s in found.provider_summaries.items()
                 if uuid in in_requests}
    requested = set().union(*[g.resources for g in request.groups])
    result = {}
    for uuid, summary in shown.items():
        names = (summary.inventories if util.wants(req, 27)
                 else [n for n in summary.inventories if n in requested])
        body = {"resources": {name: {
            "capacity": summary.inventories[name].capacity,
            "used": summary.usages.get(name, 0)} for name in names}}
        if util.wants(req, 17):
            body["traits"] = summary.traits
        if util.wants(req, 29):
            body["parent_provider_uuid"] = summary.parent_provider_uuid
            body["root_provider_uuid"] = summary.root_provider_uuid
        result[uuid] = body
    return result
