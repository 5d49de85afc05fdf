"""Response schemas of the Compute API, one module per resource (the
names of stratus/api/compute/<resource>.py), each a RESPONSES dict:
{(method, route path): [(min version, max version or None, status,
JSON Schema of the body or None)]}."""
