"""How InstanceList.get_by_filters asks its cell database: Nova's server
filters, sort order and page markers as SQL on the instances table.

The same order (``normalize_sort``, ``SortKey``) and filter names serve
where instances are merged in Python: a list across cells, and the build
requests the API database keeps.
"""
import ipaddress
import json
import re

import sqlalchemy as sa

from stratus.db import cell_models
from stratus import exception
from stratus.objects import fields

_I = cell_models.Instance.__table__
_TAG = cell_models.Tag.__table__

# Filters compared for equality (a list means "any of"); every other
# filter naming a column is a regular expression, as in Nova.
EXACT_FILTERS = ("project_id", "user_id", "image_ref", "vm_state",
                 "instance_type_id", "uuid", "host", "task_state", "locked")
TAG_FILTERS = ("tags", "tags-any", "not-tags", "not-tags-any")
DEFAULT_SORT_KEYS = ("created_at",)
_NOT_NULL = {"uuid", "created_at", "id", "deleted"}


# Sorting --------------------------------------------------------------------

def normalize_sort(sort_keys=None, sort_dirs=None):
    """(keys, dirs) as every query uses them, Nova's order: the requested
    keys (created_at when none), a missing direction taking the first
    given one, else 'desc' (Nova's process_sort_params); then uuid
    ascending, unique across cells, so that ties are broken by id and
    pages never overlap (Nova's InstanceSortContext). InvalidInput for a
    bad key or direction."""
    keys = list(sort_keys or DEFAULT_SORT_KEYS)
    for key in keys:
        if key not in _I.c:
            raise exception.InvalidInput(reason="Invalid sort key %s" % key)
    dirs = [d.lower() for d in (sort_dirs or [])]
    if len(dirs) > len(keys):
        raise exception.InvalidInput(
            reason="Sort direction size exceeds sort key size")
    for direction in dirs:
        if direction not in ("asc", "desc"):
            raise exception.InvalidInput(
                reason="Unknown sort direction, must be 'desc' or 'asc'")
    dirs += [dirs[0] if dirs else "desc"] * (len(keys) - len(dirs))
    if "uuid" not in keys:
        keys.append("uuid")
        dirs.append("asc")
    return keys, dirs


class SortKey:
    """Orders instances in Python exactly as ``order`` orders them in SQL:
    NULL before any value, per-key direction."""
    __slots__ = ("values", "descending")

    def __init__(self, instance, sort_keys, sort_dirs):
        self.values = [(instance.get(key) is not None, instance.get(key))
                       for key in sort_keys]
        self.descending = [direction == "desc" for direction in sort_dirs]

    def __lt__(self, other):
        for mine, theirs, descending in zip(self.values, other.values,
                                            self.descending):
            if mine != theirs:
                return mine > theirs if descending else mine < theirs
        return False


def _comparable(column, dialect):
    """String columns compare by code point on every backend, as Python
    does, so results merged across cells stay in order; a missing boolean
    is False, as Instance objects read it (else a marker read as False
    would not find where the missing ones end)."""
    if isinstance(column.type, sa.Boolean):
        return sa.func.coalesce(column, sa.false())
    if isinstance(column.type, sa.String):
        if dialect == "postgresql":
            return column.collate("C")
        if dialect == "mysql":
            return column.collate("utf8mb4_bin")
    return column


def order(key, direction, dialect):
    column = _comparable(_I.c[key], dialect)
    clauses = []
    if key not in _NOT_NULL:
        nulls_last = sa.case((column.is_(None), 0), else_=1)
        clauses.append(nulls_last.desc() if direction == "desc"
                       else nulls_last.asc())
    clauses.append(column.desc() if direction == "desc" else column.asc())
    return clauses


def after(marker, sort_keys, sort_dirs, dialect):
    """Rows sorting strictly after marker in this order."""
    alternatives = []
    equal_so_far = []
    for key, direction in zip(sort_keys, sort_dirs):
        column = _comparable(_I.c[key], dialect)
        value = marker.get(key)
        if value is None:
            later = sa.false() if direction == "desc" else column.isnot(None)
            same = column.is_(None)
        else:
            # a bound literal, since SQLAlchemy refuses < and > with True
            value = sa.literal(value, type_=_I.c[key].type)
            if direction == "desc":
                later = column < value
                if key not in _NOT_NULL:
                    later = sa.or_(later, column.is_(None))
            else:
                later = column > value
            same = column == value
        alternatives.append(sa.and_(*equal_so_far, later))
        equal_so_far.append(same)
    return sa.or_(*alternatives)



# Filtering ------------------------------------------------------------------

def _in_states(column, states):
    if not isinstance(states, (list, tuple, set, frozenset)):
        states = [states]
    values = [state for state in states if state is not None]
    conditions = [column.in_(values)] if values else []
    if None in states:
        conditions.append(column.is_(None))
    return sa.or_(*conditions) if conditions else sa.false()


REGEX_ERROR = re.compile(
    "regular expression|regexp|user-defined function", re.IGNORECASE)


def filtered(query, filters):
    """(query restricted by filters, whether a regex filter is used)."""
    filters = dict(filters)
    uses_regex = False
    deleted = filters.pop("deleted", None)
    soft_deleted = filters.pop("soft_deleted", None)
    if deleted is True:
        query = query.where(_I.c.deleted != 0) if soft_deleted is False else (
            query.where(sa.or_(_I.c.deleted != 0, _I.c.vm_state
                               == fields.VMState.SOFT_DELETED)))
    elif deleted is False:
        query = query.where(_I.c.deleted == 0)
        if not soft_deleted:
            query = query.where(sa.or_(
                _I.c.vm_state.is_(None),
                _I.c.vm_state != fields.VMState.SOFT_DELETED))
    if not filters.pop("hidden", False):
        query = query.where(sa.or_(_I.c.hidden.is_(None), _I.c.hidden.is_(False)))
    since = filters.pop("changes-since", None)
    if since is not None:
        query = query.where(_I.c.updated_at >= since)
    before = filters.pop("changes-before", None)
    if before is not None:
        query = query.where(_I.c.updated_at <= before)
    for name in TAG_FILTERS:
        tags = filters.pop(name, None)
        if tags:
            query = query.where(_tag_condition(name, list(tags)))
    for name, value in filters.items():
        if name not in _I.c:
            continue
        column = _I.c[name]
        if name in EXACT_FILTERS:
            query = query.where(_in_states(column, value))
        else:
            if not isinstance(column.type, sa.String):
                column = sa.cast(column, sa.String)
            query = query.where(column.regexp_match(str(value)))
            uses_regex = True
    return query, uses_regex


def _tag_condition(name, tags):
    having = sa.select(_TAG.c.resource_id).where(_TAG.c.tag.in_(tags))
    if name in ("tags", "not-tags"):
        having = having.group_by(_TAG.c.resource_id).having(
            sa.func.count(sa.distinct(_TAG.c.tag)) == len(set(tags)))
    matching = _I.c.uuid.in_(having)
    return sa.not_(matching) if name.startswith("not-") else matching


def addresses(network_info):
    """[(version, address)] of every fixed and floating IP in Nova's
    network_info (the JSON of the info cache)."""
    found = []
    for vif in json.loads(network_info or "[]"):
        for subnet in (vif.get("network") or {}).get("subnets") or []:
            for ip in subnet.get("ips") or []:
                for item in [ip] + (ip.get("floating_ips") or []):
                    address = item.get("address")
                    if address:
                        found.append((ipaddress.ip_address(address).version,
                                      address))
    return found


def matches_ips(instance, ip_filters):
    found = addresses(instance.info_cache)
    for name, regex in ip_filters:
        version = 6 if name == "ip6" else 4
        if not any(regex.search(address) for ip_version, address in found
                   if ip_version == version):
            return False
    return True
