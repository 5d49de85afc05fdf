"""Response schemas, one module per resource (issue 12's agreed format):
RESPONSES = {(method, route template): [(min, max or None, status,
JSON Schema or None)]}."""
