from oslo_config import cfg

API_DB_OPTS = [
    cfg.StrOpt("connection", secret=True,
               help="SQLAlchemy URL of the API database (flavors, keypairs, "
                    "mappings, build requests, placement)."),
    cfg.IntOpt("max_pool_size", min=1,
               help="Connections kept open to the API database (default: "
                    "[database] max_pool_size). With many cells, the cells' "
                    "pools can be kept small while every request of the "
                    "API and the super conductor uses this one."),
    cfg.IntOpt("max_overflow", min=0,
               help="Connections allowed beyond [api_database] "
                    "max_pool_size (default: [database] max_overflow)."),
]

DB_OPTS = [
    cfg.StrOpt("connection", secret=True,
               help="SQLAlchemy URL of this service's cell database. Used by "
                    "'stratus manage db sync' and 'cell_v2 create_cell'."),
    cfg.IntOpt("max_pool_size", default=10, min=1,
               help="Connections kept open per database engine."),
    cfg.IntOpt("max_overflow", default=20, min=0,
               help="Connections allowed beyond max_pool_size."),
]


def register_opts(conf):
    conf.register_opts(API_DB_OPTS, group="api_database")
    conf.register_opts(DB_OPTS, group="database")


def list_opts():
    return [("api_database", API_DB_OPTS), ("database", DB_OPTS)]
