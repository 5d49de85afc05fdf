from alembic import context

from stratus.db import migration

config = context.config
connection = config.attributes.get("connection")
target_metadata = migration.metadata("api")

context.configure(connection=connection, target_metadata=target_metadata,
                  render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
