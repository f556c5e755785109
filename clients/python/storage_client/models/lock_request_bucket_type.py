from typing import Literal

LockRequestBucketType = Literal["companies", "projects", "users"]

LOCK_REQUEST_BUCKET_TYPE_VALUES: set[LockRequestBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_lock_request_bucket_type(value: str) -> LockRequestBucketType:
    if value in LOCK_REQUEST_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LOCK_REQUEST_BUCKET_TYPE_VALUES!r}")
