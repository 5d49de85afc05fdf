"""Cinder's checks of request bodies and query strings, shared by the
resources: every bad value is Cinder's 400, never a 500."""
import re

from stratus.volume import exception as vol_exception

_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                   r"[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
MAX_INT = 2 ** 31 - 1


def bad(reason):
    return vol_exception.InvalidInput(reason=reason)


def body_of(req, key, required=True):
    """The object under key of the request's JSON body."""
    body = req.json_document()
    if not isinstance(body, dict) or (key not in body and required):
        raise bad("Missing required element '%s' in request body." % key)
    value = body.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise bad("'%s' must be an object." % key)
    return value


def string(value, name, max_length=255, null=True):
    if value is None and null:
        return None
    if not isinstance(value, str):
        raise bad("%s must be a string." % name)
    if len(value) > max_length:
        raise bad("%s has more than %d characters." % (name, max_length))
    return value


def integer(value, name, minimum=None, maximum=MAX_INT):
    """An integer given as one or as a string of digits (Cinder takes
    both)."""
    if isinstance(value, bool):
        raise bad("%s must be an integer." % name)
    if isinstance(value, str) and re.match(r"^\s*-?\d{1,12}\s*$", value):
        value = int(value)
    if not isinstance(value, int):
        raise bad("%s must be an integer." % name)
    if minimum is not None and value < minimum:
        raise bad("%s must be >= %d." % (name, minimum))
    if maximum is not None and value > maximum:
        raise bad("%s must be <= %d." % (name, maximum))
    return value


def boolean(value, name):
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "t", "1", "yes", "y", "on"):
            return True
        if lowered in ("false", "f", "0", "no", "n", "off"):
            return False
    raise bad("%s must be a boolean." % name)


def uuid(value, name):
    if not isinstance(value, str) or not _UUID.match(value):
        raise bad("%s must be a UUID." % name)
    return value


def metadata(value, name="metadata"):
    """A {str: str} dict, keys 1-255 and values up to 255 characters."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad("%s must be an object." % name)
    if len(value) > 128:
        raise bad("%s has more than 128 items." % name)
    for key, item in value.items():
        if not key or len(key) > 255:
            raise bad("%s keys must have 1 to 255 characters." % name)
        if not isinstance(item, str) or len(item) > 255:
            raise bad("%s values must be strings of up to 255 characters."
                      % name)
    return dict(value)


def list_query(req, filters, sort_keys):
    """({filter: value}, all_projects, sort, limit, marker) of a list's
    query string; unknown filters are 400 as Cinder's."""
    query = req.GET
    found = {}
    sort = []
    limit = marker = None
    all_projects = False
    for name, value in query.items():
        if name == "all_tenants":
            all_projects = boolean(value, "all_tenants")
        elif name == "limit":
            limit = integer(value, "limit", minimum=0)
        elif name == "marker":
            marker = string(value, "marker", max_length=255)
        elif name in ("sort", "sort_key", "sort_dir", "offset", "with_count",
                      "is_public", "metadata", "glance_metadata"):
            continue
        elif name in filters:
            found[name] = value
        else:
            raise bad("Invalid filter keys: %s" % name[:64])
    if "sort" in query:
        for part in query["sort"].split(","):
            key, _, direction = part.strip().partition(":")
            sort.append(_sort_pair(key, direction or "desc", sort_keys))
    elif "sort_key" in query or "sort_dir" in query:
        sort.append(_sort_pair(query.get("sort_key", "created_at"),
                               query.get("sort_dir", "desc"), sort_keys))
    else:
        sort.append(("created_at", "desc"))
    return found, all_projects, sort, limit, marker


def _sort_pair(key, direction, sort_keys):
    if key not in sort_keys:
        raise bad("Invalid sort key: %s" % key[:64])
    if direction not in ("asc", "desc"):
        raise bad("Invalid sort direction: %s" % direction[:64])
    return key, direction


def name_and_description(body):
    """{name, description} given in an update body (display_name and
    display_description are the legacy names)."""
    values = {}
    for field, legacy in (("name", "display_name"),
                          ("description", "display_description")):
        for key in (field, legacy):
            if key in body:
                values[field] = string(body[key], key)
    return values
