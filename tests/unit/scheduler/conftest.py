from tests.unit.scheduler.servers import ctx  # noqa: F401
