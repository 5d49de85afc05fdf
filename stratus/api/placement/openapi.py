"""GET /openapi.json: the Placement API's OpenAPI 3.1 document
(stratus/api/openapi.py), without a token, like the version document."""
from stratus.api import openapi

show_openapi = openapi.serve("placement")
