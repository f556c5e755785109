"""The one JSON error format for every status >= 400, whatever raised it."""

from __future__ import annotations

import logging

from flask import g, jsonify
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app import observability
from app.errors import (
    AccessDenied,
    AppError,
    DatabaseUnavailable,
    InternalError,
    ObjectMissing,
    PayloadTooLarge,
    StoreUnreachable,
    ValidationError,
)
from app.multipart import MalformedForm
from app.services import audit
from app.storage.base import (
    IntegrityMismatch,
    InvalidKey,
    InvalidSignature,
    ObjectNotFound,
    ObjectTooLarge,
    StorageError,
    StorageUnavailable,
)

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "access_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    429: "rate_limited",
}


def error_response(error: AppError):
    response = jsonify(error.to_dict())
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def handle_app_error(error: AppError):
    if error.code == "file_locked":
        observability.lock_conflict()
    if getattr(error, "audit", None) is not None and g.get("principal") is not None:
        from app.api.security import caller

        target, action = error.audit
        audit.record_denied(caller(), action, target, error.code)
    return error_response(error)


def handle_http_exception(error: HTTPException):
    if error.code in (400, 422) and getattr(error, "data", {}).get("messages"):
        # webargs/marshmallow: {location: {field: [messages]}} becomes {field: [messages]}
        fields = {}
        for messages in error.data["messages"].values():
            fields.update(messages if isinstance(messages, dict) else {"_schema": messages})
        return error_response(ValidationError("The request has invalid fields.", errors=fields))
    if error.code is None or error.code >= 500:
        return handle_unexpected(error)
    app_error = AppError(error.description if error.code != 404 else "The requested URL was not found.")
    app_error.status = error.code
    app_error.code = HTTP_CODES.get(error.code, "error")
    response = error_response(app_error)
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


# Every object-store error a service lets through has a documented answer (the stores' own words stay in the log).
STORAGE_ERRORS = {
    ObjectNotFound: ObjectMissing,
    ObjectTooLarge: PayloadTooLarge,
    IntegrityMismatch: StoreUnreachable,  # a digest the store refused in transit: retryable, like an outage
    InvalidKey: ValidationError,
    InvalidSignature: AccessDenied,
    StorageUnavailable: StoreUnreachable,
}


def handle_unexpected(error: Exception):
    if isinstance(error, OperationalError):
        log.error("database unavailable: %s", error.__class__.__name__)
        return error_response(DatabaseUnavailable())
    if isinstance(error, StorageError):
        log.error("object store error: %s: %s", type(error).__name__, error)
        answer = next((a for kind, a in STORAGE_ERRORS.items() if isinstance(error, kind)), StoreUnreachable)
        return error_response(answer())
    log.exception("unhandled error (request id %s)", g.get("request_id"))
    return error_response(InternalError(f"An internal error occurred (request id {g.get('request_id')})."))


def handle_malformed_form(error: MalformedForm):
    return error_response(ValidationError(f"The multipart body is malformed: {error}"))


def register_error_handlers(app) -> None:
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(MalformedForm, handle_malformed_form)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
