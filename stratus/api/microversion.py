"""Compute API microversions.

Adding one: raise MAX_VERSION, add its line to docs/microversions.md, make
the schema/handler change, and test it at the new version and the one
before.
"""
import re

import microversion_parse

from stratus.api import errors

SERVICE_TYPE = "compute"
MIN_VERSION = (2, 1)
MAX_VERSION = (2, 104)
LEGACY_HEADER = "X-OpenStack-Nova-API-Version"
HEADER = "OpenStack-API-Version"
_VERSION_RE = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")


def to_string(version):
    return "%d.%d" % version


def parse(headers, min_version=MIN_VERSION, max_version=MAX_VERSION,
          service_type=SERVICE_TYPE, legacy_headers=(LEGACY_HEADER,)):
    """The requested version as a (major, minor) tuple."""
    text = microversion_parse.get_version(
        headers, service_type=service_type, legacy_headers=list(legacy_headers))
    if text is None:
        return min_version
    text = text.strip()
    if text.lower() == "latest":
        return max_version
    match = _VERSION_RE.match(text)
    if not match:
        raise errors.InvalidVersion(version=text)
    version = (int(match.group(1)), int(match.group(2)))
    if not min_version <= version <= max_version:
        raise errors.VersionNotAcceptable(version=text, min=to_string(min_version),
                                   max=to_string(max_version))
    return version
