"""What several filters read the same way: aggregate metadata of a host,
numbers from it, scheduler hints."""
import logging

LOG = logging.getLogger(__name__)


def aggregate_metadata(host_state):
    """{key: set of values} over the host's aggregates, comma-separated
    values split (Nova's aggregate_metadata_get_by_host)."""
    metadata = {}
    for key, values in host_state.aggregate_metadata.items():
        metadata[key] = {part.strip() for value in values
                         for part in value.split(",")}
    return metadata


def aggregate_number(host_state, key, default, cast=int):
    """The lowest of the numbers the host's aggregates give for key, or
    default when none does (or one is not a number)."""
    values = host_state.aggregate_values(key)
    if not values:
        return default
    try:
        return min(cast(value) for value in values)
    except ValueError:
        LOG.warning("Aggregate metadata %s=%s of host %s is not a number; "
                    "using %s", key, values, host_state.host, default)
        return default


def hint(spec, name, default=None):
    """A scheduler hint's value: the single value of a one-value hint, the
    list of a hint given several times."""
    values = (spec.get("scheduler_hints") or {}).get(name)
    if not values:
        return default
    return values[0] if len(values) == 1 else values


def hint_list(spec, name):
    """A hint's values as a list (same_host and different_host take one
    server UUID or a list)."""
    return list((spec.get("scheduler_hints") or {}).get(name) or [])
