"""Links in Compute API bodies (self, bookmark, next page), the
limit/marker paging parameters and numeric filters, shared by the
resource modules.

URLs start at the request's application URL unless [api]
compute_link_prefix is set, in which case its scheme, host and path
replace the request's (as Nova does behind a proxy).
"""
import datetime
import urllib.parse

from stratus.api import errors
from stratus.api.schemas import common

VERSION_PATH = "/v2.1"


def with_prefix(url, prefix):
    """url with its scheme and host taken from prefix and prefix's path
    put in front of its own."""
    if not prefix:
        return url.rstrip("/")
    parts = list(urllib.parse.urlsplit(url))
    prefix_parts = urllib.parse.urlsplit(prefix)
    parts[0:2] = prefix_parts[0:2]
    parts[2] = prefix_parts[2].rstrip("/") + parts[2]
    return urllib.parse.urlunsplit(parts).rstrip("/")


def root_url(req):
    """Where the compute API is served, without a version."""
    return with_prefix(req.application_url,
                       req.app.conf.api.compute_link_prefix)


def resource_links(req, collection, identifier):
    """The self (versioned) and bookmark (unversioned) links of one item."""
    root = root_url(req)
    tail = "/%s/%s" % (collection, identifier)
    return [{"rel": "self", "href": root + VERSION_PATH + tail},
            {"rel": "bookmark", "href": root + tail}]


def limit_and_marker(req):
    """(limit, marker) of a list request: limit capped at [api]
    max_limit, marker None when absent. The query schema has checked
    that limit is a non-negative integer."""
    max_limit = req.app.conf.api.max_limit
    limit = max_limit
    if "limit" in req.GET:
        limit = min(common.to_int(req.GET["limit"], "limit", 0), max_limit)
    return limit, req.GET.get("marker")


def int_filter(req, param):
    """An integer query filter (minRam, minDisk...); 400 if it is not."""
    try:
        return int(req.GET[param])
    except ValueError:
        raise errors.bad_request("Invalid %s filter [%s]"
                                 % (param, req.GET[param]))


def next_links(req, items, collection, id_of):
    """[{"rel": "next", ...}] when the page is full, else []."""
    limit, _ = limit_and_marker(req)
    if not limit or len(items) != limit:
        return []
    # Repeated parameters (sort_key, sort_dir) keep every value, in order.
    params = [(key, value) for key, value in req.GET.items()
              if key != "marker"]
    params.sort(key=lambda pair: pair[0])
    params.append(("marker", id_of(items[-1])))
    href = "%s%s/%s?%s" % (root_url(req), VERSION_PATH, collection,
                           urllib.parse.urlencode(params))
    return [{"rel": "next", "href": href}]


def time_filters(req, names):
    """{name: datetime} of the changes-since / changes-before filters
    among names that the request has; 400 when changes-since is after
    changes-before."""
    filters = {name: parse_time(req.GET[name], name)
               for name in names if name in req.GET}
    if filters.get("changes-since") and filters.get("changes-before") \
            and filters["changes-since"] > filters["changes-before"]:
        raise errors.bad_request("The value of changes-since must be less "
                                 "than or equal to changes-before.")
    return filters


def parse_time(value, name):
    """A time filter's value; 400 "Invalid filter field" if it is none."""
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise errors.bad_request("Invalid filter field: %s." % name)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed
