"""Unbound extensions, bound to the app by the factory; the API classes document our error format."""

import time

import flask_smorest
import sqlalchemy as sa
from flask_migrate import Migrate
from flask_smorest.utils import resolve_schema_instance
from flask_sqlalchemy import SQLAlchemy
from webargs.flaskparser import FlaskParser

from app.schemas.compiled import compile_dump
from app.schemas.resources import ErrorSchema

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ArgumentsParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400  # invalid input is 400 validation_error, not 422


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ArgumentsParser()

    def arguments(self, schema, **kwargs):
        """Arguments parsed by one schema instance made here: webargs makes a new one per request from a class
        (copying every declared field, ~0.1 ms). Our argument schemas keep no state between loads."""
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)

    def response(self, status_code, schema=None, **kwargs):
        """Responses dumped by the schema's compiled dump (app/schemas/compiled.py); the schema still documents them."""
        if schema is not None and not isinstance(schema, str | dict):
            schema = resolve_schema_instance(schema)
            schema.dump = compile_dump(schema)
        return super().response(status_code, schema, **kwargs)

    def alt_response(self, status_code, response=None, *, schema=None, **kwargs):
        """An error answer documented without a body has the one error body (contract §4): the spec says so, and
        generated clients parse it."""
        if response is None and schema is None and int(status_code) >= 400:
            schema = ErrorSchema
        return super().alt_response(status_code, response, schema=schema, **kwargs)


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema


def ping_after_idle(engine: sa.Engine, seconds: float) -> None:
    """Ping a pooled connection before use when it sat idle longer than `seconds`.

    SQLAlchemy's pool_pre_ping pings on every checkout: one more round trip on every request. A connection used a
    moment ago is alive unless the server went away in that moment (the request that meets it fails, and the pool
    then drops every connection older than the failure); one idle across a database restart or an idle timeout
    is caught here and replaced, as pool_pre_ping would. SQLAlchemy's recipe for custom pessimistic pings.
    """
    if seconds <= 0:
        return

    @sa.event.listens_for(engine, "checkin")
    def note_idle(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since <= seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            if engine.dialect.is_disconnect(exc, dbapi_connection, None):
                raise sa.exc.DisconnectionError() from exc  # the pool replaces the connection and checks out again
            raise


db = SQLAlchemy(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
api = Api()
