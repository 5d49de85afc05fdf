"""GET /openapi.json: the Compute API's OpenAPI 3.1 document
(stratus/api/openapi.py), without a token, like the version documents."""
from stratus.api import openapi

show_openapi = openapi.serve("compute")
