"""Alembic environment: migrations run on the engine handed in by ``storage.engine``."""

from alembic import context

from dealerreach.storage.schema import metadata

config = context.config


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # the alembic command line: the URL from the settings
        from dealerreach.settings import Settings
        from dealerreach.storage.engine import create_store_engine

        engine = create_store_engine(Settings.from_env().database_url)
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        context.run_migrations()


run_migrations()
