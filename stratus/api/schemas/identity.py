"""Request bodies and query strings of the built-in Identity v3 API."""
from stratus.api.schemas import common

_string = {"type": "string", "maxLength": 255}
_name = {"type": "string", "minLength": 1, "maxLength": 255}
_nullable_id = {"type": ["string", "null"], "maxLength": 64}
_description = {"type": ["string", "null"], "maxLength": 65535}
_domain_ref = {
    "type": "object",
    "properties": {"id": _string, "name": _string},
    "anyOf": [{"required": ["id"]}, {"required": ["name"]}],
}

_password_user = {
    "type": "object",
    "properties": {"id": _string, "name": _string,
                   "password": {"type": "string"}, "domain": _domain_ref},
    "required": ["password"],
    "anyOf": [{"required": ["id"]}, {"required": ["name", "domain"]}],
}

_scope = {
    "oneOf": [
        {"const": "unscoped"},
        {"type": "object",
         "properties": {
             "project": {
                 "type": "object",
                 "properties": {"id": _string, "name": _string,
                                "domain": _domain_ref},
                 "anyOf": [{"required": ["id"]},
                           {"required": ["name", "domain"]}]},
             "domain": _domain_ref,
             "system": {"type": "object"},
             "unscoped": {"type": "object"},
         },
         "minProperties": 1, "maxProperties": 1},
    ],
}

create_token = {
    "type": "object",
    "properties": {
        "auth": {
            "type": "object",
            "properties": {
                "identity": {
                    "type": "object",
                    "properties": {
                        "methods": {"type": "array", "minItems": 1,
                                    "items": {"type": "string"}},
                        "password": {
                            "type": "object",
                            "properties": {"user": _password_user},
                            "required": ["user"]},
                        "token": {
                            "type": "object",
                            "properties": {"id": {"type": "string"}},
                            "required": ["id"]},
                        "application_credential": {
                            "type": "object",
                            "properties": {
                                "id": _string, "name": _string,
                                "secret": {"type": "string"},
                                "user": {
                                    "type": "object",
                                    "properties": {"id": _string,
                                                   "name": _string,
                                                   "domain": _domain_ref},
                                    "anyOf": [{"required": ["id"]},
                                              {"required": ["name",
                                                            "domain"]}]}},
                            "required": ["secret"],
                            "anyOf": [{"required": ["id"]},
                                      {"required": ["name", "user"]}]},
                    },
                    "required": ["methods"],
                },
                "scope": _scope,
            },
            "required": ["identity"],
        },
    },
    "required": ["auth"],
}

_tags = {"type": "array", "items": {"type": "string", "minLength": 1,
                                     "maxLength": 255}}
_project_properties = {
    "name": _name, "domain_id": _string, "description": _description,
    "enabled": {"type": "boolean"}, "is_domain": {"const": False},
    "parent_id": _nullable_id, "tags": _tags, "options": {"type": "object"},
}


def _document(key, properties, required=(), closed=False):
    """A request body {key: {...}} holding an object with properties (and
    no others if closed)."""
    inner = {"type": "object", "properties": properties}
    if required:
        inner["required"] = list(required)
    if closed:
        inner["additionalProperties"] = False
    return {"type": "object", "properties": {key: inner},
            "required": [key], "additionalProperties": False}


create_project = _document("project", _project_properties, ["name"])
update_project = _document("project", _project_properties)

_user_properties = {
    "name": _name, "domain_id": _string,
    "password": {"type": ["string", "null"]},
    "default_project_id": _nullable_id, "enabled": {"type": "boolean"},
    "description": _description, "email": {"type": ["string", "null"]},
    "options": {"type": "object"},
}

create_user = _document("user", _user_properties, ["name"])
update_user = _document("user", _user_properties)

change_password = _document(
    "user", {"password": {"type": "string"},
             "original_password": {"type": "string"}},
    ["password", "original_password"], closed=True)

create_role = _document(
    "role", {"name": _name, "domain_id": {"type": "null"},
             "options": {"type": "object", "maxProperties": 0}},
    ["name"], closed=True)
# Keystone keeps a group's attributes beyond these (as a user's).
_group_properties = {"name": _name, "domain_id": _string,
                     "description": _description}
create_group = _document("group", _group_properties, ["name"])
update_group = _document("group", _group_properties)

_role_ref = {"type": "object", "properties": {"id": _string, "name": _string},
             "anyOf": [{"required": ["id"]}, {"required": ["name"]}]}
create_application_credential = _document(
    "application_credential", {
        "name": _name, "description": _description,
        "secret": {"type": ["string", "null"], "minLength": 1,
                   "maxLength": 255},
        "expires_at": {"type": ["string", "null"], "maxLength": 64},
        "roles": {"type": "array", "items": _role_ref},
        "unrestricted": {"type": "boolean"},
        "access_rules": {"type": "array", "maxItems": 0}},
    ["name"], closed=True)
update_role = _document(
    "role", {"name": _name,
             "options": {"type": "object", "maxProperties": 0}},
    closed=True)


# Query strings: what the list and token handlers read. Keystone ignores
# parameters it does not know, and reads every value as given (filters
# compare strings, ``enabled`` is a boolean unless 0/false/no/off): the
# schemas describe them and refuse nothing.
def _query(*names):
    return common.query_schema({name: common.multi_params({"type": "string"})
                                for name in names})


list_filters = _query("name", "domain_id", "enabled")
list_groups_query = _query("name", "domain_id")
list_user_groups_query = _query("name")
list_domains_query = _query("name", "enabled")
list_roles_query = _query("name")
token_query = _query("nocatalog")
list_application_credentials_query = _query("name")
list_role_assignments_query = _query(
    "user.id", "scope.project.id", "role.id", "effective", "include_names",
    "group.id", "scope.domain.id", "scope.system")
