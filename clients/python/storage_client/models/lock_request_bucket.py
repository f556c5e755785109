from typing import Literal

LockRequestBucket = Literal["companies", "projects", "users"]

LOCK_REQUEST_BUCKET_VALUES: set[LockRequestBucket] = {
    "companies",
    "projects",
    "users",
}


def check_lock_request_bucket(value: str) -> LockRequestBucket:
    if value in LOCK_REQUEST_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LOCK_REQUEST_BUCKET_VALUES!r}")
