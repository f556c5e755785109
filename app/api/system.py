"""System endpoints: health, version, public configuration (no authentication)."""

from flask import current_app
from marshmallow import Schema, fields

from app.extensions import Blueprint
from app.services import system

blp = Blueprint("system", __name__, description="Health, version and public configuration")


class CheckSchema(Schema):
    status = fields.String()
    latency_ms = fields.Float()


class HealthSchema(Schema):
    status = fields.String()
    service = fields.String()
    version = fields.String()
    environment = fields.String()
    timestamp = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.Dict())


class ServiceVersionSchema(Schema):
    version = fields.String()
    service = fields.String()
    api_version = fields.String()


class PublicConfigSchema(Schema):
    max_upload_size = fields.Integer()
    allowed_mime_types = fields.List(fields.String())
    presign = fields.Dict(keys=fields.String(), values=fields.Integer())
    locks = fields.Dict(keys=fields.String(), values=fields.Integer())
    buckets = fields.List(fields.String())
    storage_backend = fields.String()
    project_delegation = fields.Boolean()


@blp.route("/health")
@blp.doc(security=[])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="The database or the object store is down")
def health():
    """Service health: database and object store."""
    report, healthy = system.health(current_app.extensions["clock"].now())
    return report, 200 if healthy else 503


@blp.route("/version")
@blp.doc(security=[])
@blp.response(200, ServiceVersionSchema)
def version():
    """Service version."""
    return system.version()


@blp.route("/config")
@blp.doc(security=[])
@blp.response(200, PublicConfigSchema)
def config():
    """Public settings: limits, presign bounds, lock TTLs, buckets."""
    return system.public_config()
