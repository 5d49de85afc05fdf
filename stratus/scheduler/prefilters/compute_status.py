"""Disabled computes: ``COMPUTE_STATUS_DISABLED`` is always forbidden
(Nova's compute status pre-filter, on by default and without an option),
so a disabled service's nodes are left out before any host filter."""
import os_traits


def apply(ctx, conf, spec, query):
    query.forbidden.add(os_traits.COMPUTE_STATUS_DISABLED)
