"""Error hierarchy and the one JSON error format: {"status": "error", "message": code, "detail": sentence}."""


class AppError(Exception):
    """An error the API reports as-is; subclasses fix the status and the code."""

    status = 400
    code = "validation_error"
    detail = "The request could not be processed."

    def __init__(self, detail: str | None = None, *, code: str | None = None, headers=None, **context):
        super().__init__(detail or self.detail)
        self.detail = detail or self.detail
        if code:
            self.code = code
        self.headers = headers or {}
        self.context = context

    def to_dict(self) -> dict:
        body = {"status": "error", "message": self.code, "detail": self.detail}
        body.update(self.context)
        return body


class ValidationError(AppError):
    status, code, detail = 400, "validation_error", "The request is invalid."


class MissingFields(AppError):
    status, code, detail = 400, "missing_fields", "Required fields are missing."


class NoFile(AppError):
    status, code, detail = 400, "no_file", "The request carries no file part."


class InvalidPath(AppError):
    status, code, detail = 400, "invalid_path", "The path is not valid."


class BucketNotFound(AppError):
    status, code, detail = 400, "bucket_not_found", "The bucket is not one of users, companies, projects."


class InvalidExpiry(AppError):
    status, code, detail = 400, "invalid_expiry", "The expiry is outside the configured bounds."


class MissingToken(AppError):
    status, code, detail = 401, "missing_jwt_token", "Authentication is required."


class Unauthorized(AppError):
    status, code, detail = 401, "unauthorized", "The token is invalid or expired."


class CsrfFailed(AppError):
    status, code, detail = 403, "csrf_failed", "Cross-site request refused."


class AccessDenied(AppError):
    status, code, detail = 403, "access_denied", "You do not have access to this resource."


class ProjectServiceUnavailable(AppError):
    status, code = 403, "project_service_unavailable"
    detail = "The project service could not confirm access; try again later."


class FileNotFound(AppError):
    status, code, detail = 404, "file_not_found", "No such file."


class VersionNotFound(AppError):
    status, code, detail = 404, "version_not_found", "No such version."


class ObjectMissing(AppError):
    status, code, detail = 404, "object_missing", "The file's content is missing from the object store."


class NotFound(AppError):
    status, code, detail = 404, "not_found", "The requested URL was not found."


class MethodNotAllowed(AppError):
    status, code, detail = 405, "method_not_allowed", "The method is not allowed for this URL."


class Conflict(AppError):
    status = 409


class FileLocked(Conflict):
    code, detail = "file_locked", "The file is locked by another user."


class FileNotLocked(Conflict):
    code, detail = "file_not_locked", "The file is not locked."


class FileExists(Conflict):
    code, detail = "file_exists", "A file already exists at the target."


class VersionConflict(Conflict):
    code, detail = "version_conflict", "The file has a newer version than the base."


class InvalidState(Conflict):
    code, detail = "invalid_state", "The operation is not allowed in the current state."


class PreconditionFailed(AppError):
    status, code, detail = 412, "precondition_failed", "A precondition failed."


class PayloadTooLarge(AppError):
    status, code, detail = 413, "payload_too_large", "The file exceeds the maximum upload size."


class QuotaExceeded(AppError):
    """507 Insufficient Storage (RFC 4918): the request is fine, the bucket has no room left; 413 stays "this
    request is too large whatever the bucket holds"."""

    status, code, detail = 507, "quota_exceeded", "The bucket's storage quota would be exceeded."


class RangeNotSatisfiable(AppError):
    status, code, detail = 416, "range_not_satisfiable", "The requested range cannot be satisfied."


class RateLimited(AppError):
    status, code, detail = 429, "rate_limited", "Too many requests at once; try again later."


class UnsupportedMediaType(AppError):
    status, code, detail = 415, "unsupported_media_type", "This type of file is not allowed."


class StoreUnreachable(AppError):
    status, code, detail = 503, "minio_unreachable", "The object store is unreachable."


class DatabaseUnavailable(AppError):
    status, code, detail = 503, "database_unavailable", "The database is unavailable."


class InternalError(AppError):
    status, code, detail = 500, "internal_error", "An internal error occurred."
