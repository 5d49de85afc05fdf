"""Column types that behave the same on SQLite, PostgreSQL and MariaDB."""
import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# MariaDB's TEXT stops at 64 KiB: serialized objects and user data need more.
MediumText = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql")
# JSON documents stored as text everywhere, so every dialect compares alike.
JsonText = sa.JSON().with_variant(mysql.LONGTEXT(), "mysql")


class UTCDateTime(sa.types.TypeDecorator):
    """Naive UTC in the database, aware UTC in Python."""
    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "mysql":
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(sa.DateTime())

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)
