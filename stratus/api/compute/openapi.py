"""GET /openapi.json: the Compute API's OpenAPI 3.1 document
(stratus/api/openapi.py), without a token, like the version documents."""
from stratus.api import openapi
from stratus.api import wsgi


def show_openapi(req):
    """The OpenAPI 3.1 document of this API (latest microversion)."""
    return wsgi.json_response(req, openapi.compute_document())
