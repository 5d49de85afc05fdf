"""[oslo_middleware]: the request body limit of every API (Nova's
sizelimit middleware option, with its default)."""
from oslo_config import cfg

OPTS = [
    cfg.IntOpt("max_request_body_size", default=114688, min=1,
               help="Largest request body, in bytes, any API accepts; a "
                    "larger one is answered 413 before it is read. Image "
                    "data uploads (PUT /v2/images/{id}/file) are exempt: "
                    "they are streamed to the image store."),
]


def register_opts(conf):
    conf.register_opts(OPTS, group="oslo_middleware")


def list_opts():
    return [("oslo_middleware", OPTS)]
