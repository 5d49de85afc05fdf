"""Reading ``name=ratio`` list options (``[metrics] weight_setting``,
``[filter_scheduler] image_props_weight_setting``)."""
import logging

LOG = logging.getLogger(__name__)


def parse_ratios(entries, option):
    """[(name, ratio)] of the readable entries; the others are logged and
    skipped, as Nova does."""
    ratios = []
    for entry in entries:
        name, sep, ratio = entry.partition("=")
        name = name.strip()
        try:
            value = float(ratio)
        except ValueError:
            value = None
        if not sep or not name or value is None:
            LOG.warning("Ignoring %s entry %r: not 'name=ratio'", option,
                        entry)
            continue
        ratios.append((name, value))
    return ratios
