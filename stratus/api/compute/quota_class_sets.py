"""/os-quota-class-sets/{id}: the limits of a quota class (admin). The
``default`` class's limits are the defaults of every project's quota set
(stratus.quota); a resource a class does not store has its [quota]
option's value.

The body lists by microversion: up to 2.49 the networking quotas (always
-1 here: they belong to the network service) and not the server group
ones; from 2.50 the server group ones and no networking ones; from 2.57
no injected file ones. A show names the class (``id``), an update not.
"""
from stratus.api import errors
from stratus.api.schemas import quota_class_sets as schemas
from stratus.api.schemas import quota_sets as quota_schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.objects import quotas as quotas_obj
from stratus.policies import quota_class_sets as policies
from stratus import quota

_SERVER_GROUPS = ("server_groups", "server_group_members")
_INJECTED_FILES = ("injected_files", "injected_file_content_bytes",
                   "injected_file_path_bytes")


def _body(req, limits, class_name=None):
    if req.api_version < (2, 50):
        body = {name: limits[name] for name in quota.RESOURCES
                if name not in _SERVER_GROUPS}
        body.update(dict.fromkeys(quota.NETWORK_RESOURCES, -1))
    else:
        hidden = _INJECTED_FILES if req.api_version >= (2, 57) else ()
        body = {name: limits[name] for name in quota.RESOURCES
                if name not in hidden}
    if class_name is not None:
        body["id"] = class_name
    return wsgi.json_response(req, {"quota_class_set": body})


def show_quota_class_set(req, id):  # noqa: A002 (Nova's {id})
    quota_class = id
    req.authorize(policies.POLICY_ROOT % "show",
                  {"quota_class": quota_class})
    limits = quota.Quotas(req.app.conf).class_limits(req.context,
                                                     quota_class)
    return _body(req, limits, quota_class)


@validation.schema(schemas.update, "2.1", "2.49")
@validation.schema(schemas.update_v250, "2.50", "2.56")
@validation.schema(schemas.update_v257, "2.57")
def update_quota_class_set(req, id):  # noqa: A002 (Nova's {id})
    quota_class = id
    req.authorize(policies.POLICY_ROOT % "update",
                  {"quota_class": quota_class})
    if len(quota_class) > 255:
        raise errors.bad_request(
            "quota_class_name has more than 255 characters.")
    # The networking quotas (accepted up to 2.49) are the network
    # service's: not stored, always shown unlimited.
    limits = {name: quota_schemas.limit_value(name, value)
              for name, value in req.json_document()["quota_class_set"].items()
              if name in quota.RESOURCES}
    if limits:
        quotas_obj.set_class_limits(req.context, quota_class, limits)
    return _body(req, quota.Quotas(req.app.conf).class_limits(
        req.context, quota_class))
