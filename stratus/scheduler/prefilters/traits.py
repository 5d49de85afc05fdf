"""The traits the flavor and image ask for: flavor extra specs
``trait:<NAME>=required|forbidden``, image properties
``trait:<NAME>=required`` (an image can only require), as Nova."""
from stratus.scheduler import prefilters

TRAIT_PREFIX = "trait:"
REQUIRED = "required"
FORBIDDEN = "forbidden"


def apply(ctx, conf, spec, query):
    required, forbidden = traits_of(spec)
    query.required |= required
    query.forbidden |= forbidden


def traits_of(spec):
    """({required trait}, {forbidden trait}) of the flavor's extra specs
    and the image's properties."""
    required, forbidden = set(), set()
    for key, value in (spec.flavor.get("extra_specs") or {}).items():
        if key.startswith(TRAIT_PREFIX):
            {REQUIRED: required, FORBIDDEN: forbidden}.get(
                value, set()).add(key[len(TRAIT_PREFIX):])
    for key, value in prefilters.image_properties(spec).items():
        if key.startswith(TRAIT_PREFIX) and value == REQUIRED:
            required.add(key[len(TRAIT_PREFIX):])
    return required, forbidden
