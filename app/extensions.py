"""Unbound extensions, bound to the app by the factory; the API classes document our error format."""

import flask_smorest
from flask_migrate import Migrate
from flask_smorest.utils import resolve_schema_instance
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
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


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
api = Api()
