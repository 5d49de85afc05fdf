"""Allocation candidates: which providers (alone, or several in one
provider tree) can take a request, and how much each would hold.

``find_candidates(ctx, CandidateQuery)`` is a plain function: the REST API
serves it and the scheduler can call it in-process. The SQL does the
filtering over whole tables — one query per (request group, resource
class), whatever the number of providers; Python only combines the
providers of one tree, which is where nested trees and granular groups
make choices.
"""
import dataclasses
import itertools
import random
import time

import sqlalchemy as sa

from stratus.placement import providers
from stratus.placement import query
from stratus.placement import resource_classes
from stratus.placement import traits

PROVIDERS = query.PROVIDERS
INVENTORIES = query.INVENTORIES
ALLOCATIONS = query.ALLOCATIONS
# Past this many trees, reading whole tables beats long IN lists.
_IN_LIST_LIMIT = 2000


@dataclasses.dataclass
class RequestGroup:
    """One request group: suffix "" is the unsuffixed group, whose
    resources may come from several providers of a tree; a suffixed
    (granular) group is satisfied by one provider."""
    suffix: str = ""
    resources: dict = dataclasses.field(default_factory=dict)
    required: list = dataclasses.field(default_factory=list)
    forbidden: set = dataclasses.field(default_factory=set)
    member_of: list = dataclasses.field(default_factory=list)
    forbidden_aggregates: set = dataclasses.field(default_factory=set)
    in_tree: str = None

    @property
    def is_empty(self):
        return not (self.resources or self.required or self.forbidden
                    or self.member_of or self.forbidden_aggregates
                    or self.in_tree)


@dataclasses.dataclass
class CandidateQuery:
    groups: list
    group_policy: str = "none"
    limit: int = None
    same_subtree: list = dataclasses.field(default_factory=list)
    root_required: list = dataclasses.field(default_factory=list)
    root_forbidden: set = dataclasses.field(default_factory=set)
    # With a limit: start reading at a random tree (wrapping around) and
    # shuffle what was found, so that repeated requests get different
    # providers rather than always the first trees.
    randomize: bool = False
    # The providers' traits in the summaries (the REST API shows them; the
    # scheduler does not read them).
    summary_traits: bool = True


@dataclasses.dataclass
class AllocationRequest:
    allocations: dict   # {provider uuid: {class: amount}}
    mappings: dict      # {group suffix: [provider uuid, ...]}


@dataclasses.dataclass
class ProviderSummary:
    uuid: str
    parent_provider_uuid: str
    root_provider_uuid: str
    inventories: dict   # {class: providers.Inventory}
    usages: dict        # {class: used}
    traits: list


@dataclasses.dataclass
class Candidates:
    allocation_requests: list
    # every provider of every tree that appears in allocation_requests
    provider_summaries: dict


# Trees are read in ranges of root ids, growing, until the limit is met:
# a request with a limit reads a few hundred providers, not all of them.
_FIRST_RANGE = 200
_MEMBER = PROVIDERS.alias("range_member")


def find_candidates(ctx, request):
    traits.ensure_standard_traits(ctx)
    groups = [group for group in request.groups if not group.is_empty]
    requests, summaries = [], {}
    with ctx.api_db.reader() as session:
        trait_names = set(request.root_forbidden).union(
            *request.root_required)
        for group in groups:
            trait_names |= set(group.forbidden).union(*group.required)
        trait_ids = query.trait_ids(session, trait_names)
        class_ids = resource_classes.ids_of(session, {
            name for group in groups for name in group.resources})
        # Only groups asking resources of one provider can add up there.
        may_merge = sum(1 for group in groups if group.resources) > 1
        top, nested = session.execute(_TOP_AND_NESTED).one()
        top = top or 0
        size = (max(2 * request.limit, _FIRST_RANGE) if request.limit
                else top + 1)
        start = (random.randint(0, top) if request.randomize
                 and request.limit else 0)
        # One group asking resources of a cloud without nested providers
        # (the scheduler's usual request): each candidate is one provider
        # holding everything, found by one query.
        single = (len(groups) == 1 and groups[0].resources
                  and not request.same_subtree and not nested)
        if single and request.limit:
            # Most providers usually fit: read little more than needed.
            size = max(request.limit + request.limit // 4, _FIRST_RANGE)
        for id_range in _id_ranges(start, top, size):
            if not groups:
                break
            if single:
                built, more = _single_providers(
                    session, _SummaryCache.of(ctx.api_db), groups[0],
                    request, trait_ids, class_ids,
                    id_range, None if request.limit is None
                    else request.limit - len(requests))
                summaries.update(more)
                requests.extend(built)
            else:
                found = _find_in_range(session, groups, request, trait_ids,
                                       class_ids, id_range)
                if not found:
                    continue
                more, uuids = _summaries(session, sorted(
                    {root for root, _ in found}), request.summary_traits)
                summaries.update(more)
                for _root, (allocations, mappings) in found:
                    candidate = AllocationRequest(
                        allocations={uuids[rp]: dict(resources)
                                     for rp, resources in allocations},
                        mappings={suffix: [uuids[rp] for rp in rps]
                                  for suffix, rps in mappings})
                    if not may_merge or _fits(candidate, summaries):
                        requests.append(candidate)
            if request.limit is not None and len(requests) >= request.limit:
                if request.randomize:
                    random.shuffle(requests)
                requests = requests[:request.limit]
                break
    roots_used = {summaries[uuid].root_provider_uuid for r in requests
                  for uuid in r.allocations}
    return Candidates(requests, {
        uuid: summary for uuid, summary in summaries.items()
        if summary.root_provider_uuid in roots_used})


def _id_ranges(start, top, size):
    """[low, high) ranges of root ids from start up to top, then from 0 up
    to start, each twice as long as the one before."""
    for low, end in ((start, top + 1), (0, start)):
        while low < end:
            yield low, min(low + size, end)
            low, size = low + size, size * 2


def _find_in_range(session, groups, request, trait_ids, class_ids,
                   id_range):
    in_range = [PROVIDERS.c.root_provider_id >= id_range[0],
                 PROVIDERS.c.root_provider_id < id_range[1]]
    root_conditions = _root_conditions(request, trait_ids) + in_range
    # Said again on the inventories, so that the database walks the range
    # of roots rather than every inventory of a class.
    members = sa.select(_MEMBER.c.id).where(
        _MEMBER.c.root_provider_id >= id_range[0],
        _MEMBER.c.root_provider_id < id_range[1])
    options = []
    for group in groups:
        options.append(_group_options(session, group, trait_ids, class_ids,
                                      root_conditions, members))
        if not options[-1]:
            return []
    roots = sorted(set.intersection(*[set(o) for o in options]))
    parents = _parents(session, roots) if request.same_subtree else {}
    return _combine(groups, options, roots, request, parents)


# The highest provider id, and whether any provider has a parent: one
# statement, built once.
_NESTED = PROVIDERS.alias("nested_provider")
_TOP_AND_NESTED = sa.select(
    sa.func.max(PROVIDERS.c.id),
    sa.exists().where(_NESTED.c.parent_provider_id.is_not(None)))


def _summary_rows(condition):
    """Providers (condition) with their inventories and usage, by id: a
    statement built once per condition."""
    used = sa.select(sa.func.coalesce(sa.func.sum(ALLOCATIONS.c.used),
                                      0)).where(
        ALLOCATIONS.c.resource_provider_id
        == INVENTORIES.c.resource_provider_id,
        ALLOCATIONS.c.resource_class_id
        == INVENTORIES.c.resource_class_id).scalar_subquery()
    return sa.select(
        PROVIDERS.c.id, PROVIDERS.c.uuid, PROVIDERS.c.generation,
        INVENTORIES.c.resource_class_id, INVENTORIES.c.total,
        INVENTORIES.c.reserved, INVENTORIES.c.min_unit,
        INVENTORIES.c.max_unit, INVENTORIES.c.step_size,
        INVENTORIES.c.allocation_ratio, used).select_from(
        PROVIDERS.outerjoin(
            INVENTORIES,
            INVENTORIES.c.resource_provider_id == PROVIDERS.c.id)).where(
        condition).order_by(PROVIDERS.c.id)


_SUMMARY_SPAN = _summary_rows(PROVIDERS.c.id.between(
    sa.bindparam("low"), sa.bindparam("high")))
_SUMMARY_IDS = _summary_rows(PROVIDERS.c.id.in_(
    sa.bindparam("ids", expanding=True)))


class _SummaryCache:
    """Per database: {provider uuid: (generation, {class: Inventory},
    {class: used})} (by uuid: a database may give a new provider the id
    of a deleted one). A provider's generation changes with every change of
    its inventories or allocations, so an entry read at the current
    generation is still true, and a decision reads from the database only
    the providers that changed since the last one. Inventory dicts that
    are alike are one object (they are never changed in place: summaries
    copy the usages they hand out). Emptied every MAX_AGE seconds, as a
    bound on what a writer that forgot a generation could leave stale."""
    MAX_AGE = 60.0

    def __init__(self):
        self.entries = {}
        self.inventories = {}
        self.started = time.monotonic()

    @classmethod
    def of(cls, database):
        cache = getattr(database, "_placement_summary_cache", None)
        if cache is None or time.monotonic() - cache.started > cls.MAX_AGE:
            cache = database._placement_summary_cache = cls()
        return cache

    def read(self, session, ids):
        """Fill the entries of ids (sorted provider ids) from the database:
        their inventories with their usage, in one statement."""
        if not ids:
            return
        wanted = set(ids)
        if ids[-1] - ids[0] < 2 * len(ids) + _FIRST_RANGE:
            rows = session.execute(_SUMMARY_SPAN, {
                "low": ids[0], "high": ids[-1]}).all()
        else:
            rows = session.execute(_SUMMARY_IDS, {"ids": list(ids)}).all()
        names = resource_classes.names_of(
            session, {row[3] for row in rows if row[3] is not None})
        shared = {}
        for rp, group in itertools.groupby(rows, key=lambda row: row[0]):
            if rp not in wanted:
                continue
            inventories, usages, uuid, generation = {}, {}, None, None
            for _rp, uuid, generation, class_id, *values, in_use in group:  # noqa: B007 - read after the loop
                if class_id is None:
                    continue
                inventory = _shared_inventory(shared, values)
                inventories[names[class_id]] = inventory
                usages[names[class_id]] = int(in_use or 0)
            key = tuple(sorted((name, id(inventory))
                               for name, inventory in inventories.items()))
            inventories = self.inventories.setdefault(key, inventories)
            self.entries[uuid] = (generation, inventories, usages)


def _single_providers(session, cache, group, request, trait_ids, class_ids,
                      id_range, limit):
    """What _find_in_range and the summaries give, for one group when
    every tree is a single provider: ([AllocationRequest], {uuid:
    ProviderSummary}) for the providers of the range (with the group's
    traits and aggregates) that have room for every class of the group,
    in id order, at most limit. The database picks the providers by traits and
    aggregates; their room is checked here, from the summary cache (the
    same rule as capacity_conditions)."""
    conditions = _root_conditions(request, trait_ids) + [
        PROVIDERS.c.root_provider_id >= id_range[0],
        PROVIDERS.c.root_provider_id < id_range[1]]
    conditions += query.aggregate_conditions(
        PROVIDERS, group.member_of, group.forbidden_aggregates,
        include_root=True)
    if group.in_tree is not None:
        conditions.append(query.in_tree_condition(PROVIDERS, group.in_tree))
    conditions += query.trait_conditions(
        PROVIDERS.c.id,
        [{trait_ids[n] for n in any_of} for any_of in group.required],
        {trait_ids[n] for n in group.forbidden})
    rows = session.execute(sa.select(
        PROVIDERS.c.id, PROVIDERS.c.uuid, PROVIDERS.c.generation).where(
        *conditions).order_by(PROVIDERS.c.id)).all()
    entries = cache.entries
    cache.read(session, [rp for rp, uuid, generation in rows
                         if entries.get(uuid, (None,))[0] != generation])
    wanted = tuple(group.resources.items())
    resources = tuple(sorted(wanted))
    # Per distinct inventories (most providers share one): None when the
    # request breaks a unit rule or a class is missing, else the usage
    # each class may have for the request to fit.
    room_of = {}
    # One resources dict for all: candidates are read, never changed.
    amounts = dict(resources)
    found, summaries, uuids = [], {}, {}
    for rp, uuid, _generation in rows:
        if limit is not None and len(found) >= limit:
            break
        entry = entries.get(uuid)
        if entry is None:
            continue
        _seen, inventories, usages = entry
        key = id(inventories)
        if key not in room_of:
            room_of[key] = _room(inventories, wanted)
        room = room_of[key]
        if room is None or any(usages.get(name, 0) > most
                               for name, most in room):
            continue
        summaries[uuid] = ProviderSummary(uuid, None, uuid, inventories,
                                          dict(usages), [])
        uuids[rp] = uuid
        found.append(AllocationRequest({uuid: amounts},
                                       {group.suffix: [uuid]}))
    if found and request.summary_traits:
        for rp, name in session.execute(sa.select(
                query.PROVIDER_TRAITS.c.resource_provider_id,
                traits.TRAITS.c.name).join(
                traits.TRAITS,
                traits.TRAITS.c.id == query.PROVIDER_TRAITS.c.trait_id).where(
                query.PROVIDER_TRAITS.c.resource_provider_id.between(
                    min(uuids), max(uuids)))).all():
            if rp in uuids:
                summaries[uuids[rp]].traits.append(name)
        for summary in summaries.values():
            summary.traits.sort()
    return found, summaries


def _room(inventories, wanted):
    """((class, highest usage that still leaves room for the amount),
    ...) for wanted ((class, amount), ...), or None when a class is
    missing or an amount breaks min_unit, max_unit or step_size: the
    rule of query.capacity_conditions."""
    room = []
    for name, amount in wanted:
        inventory = inventories.get(name)
        if inventory is None or not (
                inventory.min_unit <= amount <= inventory.max_unit
                and amount % inventory.step_size == 0):
            return None
        room.append((name, (inventory.total - inventory.reserved)
                     * inventory.allocation_ratio - amount))
    return tuple(room)


def _root_conditions(request, trait_ids):
    return query.trait_conditions(
        PROVIDERS.c.root_provider_id,
        [{trait_ids[n] for n in any_of} for any_of in request.root_required],
        {trait_ids[n] for n in request.root_forbidden})


def _group_options(session, group, trait_ids, class_ids, root_conditions,
                   members):
    """{root id: [(allocations, providers used), ...]} for one group:
    allocations a sorted tuple of (provider id, ((class, amount), ...))."""
    conditions = list(root_conditions)
    conditions += query.aggregate_conditions(
        PROVIDERS, group.member_of, group.forbidden_aggregates,
        include_root=True)
    if group.in_tree is not None:
        conditions.append(query.in_tree_condition(PROVIDERS, group.in_tree))
    required = [{trait_ids[n] for n in any_of} for any_of in group.required]
    forbidden = {trait_ids[n] for n in group.forbidden}
    granular = bool(group.suffix) or not group.resources
    conditions += query.trait_conditions(
        PROVIDERS.c.id, required if granular else [], forbidden)
    root = PROVIDERS.c.root_provider_id
    if not group.resources:
        result = {}
        for rp, tree_root in session.execute(sa.select(
                PROVIDERS.c.id, root).where(*conditions)):
            result.setdefault(tree_root, []).append(((), frozenset([rp])))
        return result
    wanted = sorted(group.resources)
    per_class = []
    for class_name in wanted:
        by_root = {}
        for rp, tree_root in session.execute(sa.select(
                PROVIDERS.c.id, root).select_from(PROVIDERS.join(
                    INVENTORIES, sa.and_(
                        INVENTORIES.c.resource_provider_id == PROVIDERS.c.id,
                        INVENTORIES.c.resource_class_id
                        == class_ids[class_name]))).where(
                *query.capacity_conditions(class_ids[class_name],
                                           group.resources[class_name]),
                INVENTORIES.c.resource_provider_id.in_(members),
                *conditions).order_by(PROVIDERS.c.id)):
            by_root.setdefault(tree_root, []).append(rp)
        if not by_root:
            return {}
        per_class.append(by_root)
    roots = set.intersection(*[set(by_root) for by_root in per_class])
    resources = tuple((name, group.resources[name]) for name in wanted)
    result = {}
    if granular:
        for tree_root in roots:
            common = set.intersection(*[set(by_root[tree_root])
                                        for by_root in per_class])
            if common:
                result[tree_root] = [(((rp, resources),), frozenset([rp]))
                                     for rp in sorted(common)]
        return result
    holders = _holders(session, required, members)
    for tree_root in roots:
        choices = [by_root[tree_root] for by_root in per_class]
        if all(len(c) == 1 for c in choices) and len(
                {c[0] for c in choices}) == 1:
            # The common case: one provider, alone in its tree for these
            # classes, holds every class.
            rp = choices[0][0]
            if not required or all(any(rp in holders.get(t, ())
                                       for t in any_of)
                                   for any_of in required):
                result[tree_root] = [(((rp, resources),), frozenset([rp]))]
            continue
        opts = []
        for choice in itertools.product(*choices):
            used = frozenset(choice)
            if required and not all(
                    any(rp in holders.get(t, ()) for rp in used
                        for t in any_of) for any_of in required):
                continue
            merged = {}
            for (class_name, amount), rp in zip(resources, choice):
                merged.setdefault(rp, []).append((class_name, amount))
            opts.append((tuple(sorted((rp, tuple(res))
                                      for rp, res in merged.items())), used))
        if opts:
            result[tree_root] = opts
    return result


def _holders(session, required, members):
    """{trait id: {provider id}} for the traits of required, over the
    providers of members (one query)."""
    wanted = set().union(*required)
    holders = {}
    if wanted:
        for rp, trait_id in session.execute(sa.select(
                query.PROVIDER_TRAITS.c.resource_provider_id,
                query.PROVIDER_TRAITS.c.trait_id).where(
                    query.PROVIDER_TRAITS.c.trait_id.in_(sorted(wanted)),
                    query.PROVIDER_TRAITS.c.resource_provider_id.in_(
                        members))):
            holders.setdefault(trait_id, set()).add(rp)
    return holders


def _parents(session, roots):
    statement = sa.select(PROVIDERS.c.id, PROVIDERS.c.parent_provider_id)
    if len(roots) <= _IN_LIST_LIMIT:
        statement = statement.where(PROVIDERS.c.root_provider_id.in_(roots))
    return dict(session.execute(statement).all())


def _in_same_subtree(provider_ids, parents):
    def ancestors(rp):
        chain = []
        while rp is not None:
            chain.append(rp)
            rp = parents.get(rp)
        return chain
    return any(all(top in ancestors(rp) for rp in provider_ids)
               for top in provider_ids)


def _combine(groups, options, roots, request, parents):
    """[(root id, (allocations, mappings))] in tree order, deduplicated;
    stops at the limit when no two groups can share a provider."""
    suffix_index = {group.suffix: i for i, group in enumerate(groups)}
    isolate = request.group_policy == "isolate"
    granular = [i for i, group in enumerate(groups) if group.suffix]
    may_merge = sum(1 for g in groups if g.resources) > 1
    found, seen = [], set()
    if len(groups) == 1 and not request.same_subtree:
        # One group: its options are the candidates, distinct already.
        suffix = groups[0].suffix
        for tree_root in roots:
            for allocations, used in options[0][tree_root]:
                found.append((tree_root, (allocations, (
                    (suffix, tuple(sorted(used))),))))
                if request.limit is not None and len(found) >= request.limit:
                    return found
        return found
    for tree_root in roots:
        for combo in itertools.product(*[o[tree_root] for o in options]):
            if isolate:
                used = [next(iter(combo[i][1])) for i in granular]
                if len(set(used)) != len(used):
                    continue
            if not all(_in_same_subtree(
                    set().union(*[combo[suffix_index[s]][1]
                                  for s in subtree if s in suffix_index]),
                    parents) for subtree in request.same_subtree):
                continue
            mappings = tuple(sorted(
                (group.suffix, tuple(sorted(option[1])))
                for group, option in zip(groups, combo) if group.resources))
            if len(combo) == 1:
                allocations = combo[0][0]
            else:
                merged = {}
                for option in combo:
                    for rp, resources in option[0]:
                        target = merged.setdefault(rp, {})
                        for class_name, amount in resources:
                            target[class_name] = (target.get(class_name, 0)
                                                  + amount)
                allocations = tuple(sorted(
                    (rp, tuple(sorted(res.items())))
                    for rp, res in merged.items()))
            if not allocations or (allocations, mappings) in seen:
                continue
            seen.add((allocations, mappings))
            found.append((tree_root, (allocations, mappings)))
            if (not may_merge and request.limit is not None
                    and len(found) >= request.limit):
                return found
    return found


def _summaries(session, roots, with_traits=True):
    """({uuid: ProviderSummary}, {id: uuid}) of every provider in the trees
    (parents and roots are in the same trees: no self-join needed)."""
    if not roots:
        return {}, {}
    statement = sa.select(
        PROVIDERS.c.id, PROVIDERS.c.uuid, PROVIDERS.c.parent_provider_id,
        PROVIDERS.c.root_provider_id)
    in_trees = None
    if roots[-1] - roots[0] < 2 * len(roots) + _FIRST_RANGE:
        # Close together (as candidates read by ranges are): a range of
        # ids costs the database less than a long IN list; the few trees
        # in it that are not wanted are dropped here.
        in_trees = query.root_id(PROVIDERS).between(roots[0], roots[-1])
        statement = statement.where(in_trees)
    elif len(roots) <= _IN_LIST_LIMIT:
        in_trees = query.root_id(PROVIDERS).in_(roots)
        statement = statement.where(in_trees)
    wanted = set(roots)
    rows = [row for row in session.execute(statement).all()
            if row[3] in wanted]
    uuid_of = {row[0]: row[1] for row in rows}
    by_id, summaries = {}, {}
    for rp, uuid, parent, root in rows:
        by_id[rp] = ProviderSummary(uuid, uuid_of.get(parent),
                                    uuid_of.get(root, uuid), {}, {}, [])
    used = sa.select(
        ALLOCATIONS.c.resource_provider_id, ALLOCATIONS.c.resource_class_id,
        sa.func.sum(ALLOCATIONS.c.used).label("used"))
    trait_rows = sa.select(
        query.PROVIDER_TRAITS.c.resource_provider_id, traits.TRAITS.c.name
    ).join(traits.TRAITS,
           traits.TRAITS.c.id == query.PROVIDER_TRAITS.c.trait_id)
    inventory_rows = sa.select(
        INVENTORIES.c.resource_provider_id, INVENTORIES.c.resource_class_id,
        INVENTORIES.c.total, INVENTORIES.c.reserved, INVENTORIES.c.min_unit,
        INVENTORIES.c.max_unit, INVENTORIES.c.step_size,
        INVENTORIES.c.allocation_ratio)
    if in_trees is not None:
        members = sa.select(PROVIDERS.c.id).where(in_trees)
        inventory_rows = inventory_rows.where(
            INVENTORIES.c.resource_provider_id.in_(members))
        used = used.where(ALLOCATIONS.c.resource_provider_id.in_(members))
        trait_rows = trait_rows.where(
            query.PROVIDER_TRAITS.c.resource_provider_id.in_(members))
    used_by = {(rp, class_id): amount for rp, class_id, amount in
               session.execute(used.group_by(
                   ALLOCATIONS.c.resource_provider_id,
                   ALLOCATIONS.c.resource_class_id)).all()}
    rows = session.execute(inventory_rows).all()
    names = resource_classes.names_of(session, {row[1] for row in rows})
    shared = {}
    for rp, class_id, *values in rows:
        summary = by_id.get(rp)
        if summary is None:
            continue
        inventory = _shared_inventory(shared, values)
        name = names[class_id]
        summary.inventories[name] = inventory
        summary.usages[name] = int(used_by.get((rp, class_id)) or 0)
    if with_traits:
        for rp, name in session.execute(trait_rows).all():
            if rp in by_id:
                by_id[rp].traits.append(name)
    for summary in by_id.values():
        summary.traits.sort()
        summaries[summary.uuid] = summary
    return summaries, {rp: s.uuid for rp, s in by_id.items()}


def _shared_inventory(shared, values):
    """The Inventory of these column values, one object per distinct
    values in shared (inventories are alike on most providers, and
    nobody changes a summary's inventory in place)."""
    key = tuple(values)
    inventory = shared.get(key)
    if inventory is None:
        inventory = shared[key] = providers.Inventory(*key)
    return inventory


def _fits(candidate, summaries):
    """False where groups sharing a provider add up beyond its room."""
    for uuid, resources in candidate.allocations.items():
        summary = summaries[uuid]
        for name, amount in resources.items():
            inventory = summary.inventories.get(name)
            if inventory is None or inventory.rejection(
                    uuid, name, amount, summary.usages.get(name, 0)):
                return False
    return True
