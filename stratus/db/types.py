"""Column types that behave the same on SQLite, PostgreSQL and MariaDB."""
import datetime
import json

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# The largest value of an INTEGER column (ids): signed 32 bits everywhere.
MAX_INT = 0x7FFFFFFF


def int_id(value):
    """An integer id from text (a URL's path segment), or None when it is
    no decimal integer an INTEGER column can hold: such an id names no
    row, and must not reach a query, where it would overflow."""
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if number <= MAX_INT else None


# MariaDB's TEXT stops at 64 KiB: serialized objects and user data need more.
MediumText = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql")


class _JsonText(sa.types.TypeDecorator):
    """JSON documents: the JSON type, but LONGTEXT on MariaDB, whose JSON
    is LONGTEXT under another name; there the value is (de)serialized
    here, as the plain text type would not."""
    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "mysql":
            return dialect.type_descriptor(mysql.LONGTEXT())
        return dialect.type_descriptor(sa.JSON())

    def process_bind_param(self, value, dialect):
        if dialect.name == "mysql" and value is not None:
            return json.dumps(value)
        return value

    def process_result_value(self, value, dialect):
        if dialect.name == "mysql" and value is not None:
            return json.loads(value)
        return value


JsonText = _JsonText()


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
