from typing import Literal

UnlockRequestBucket = Literal["companies", "projects", "users"]

UNLOCK_REQUEST_BUCKET_VALUES: set[UnlockRequestBucket] = {
    "companies",
    "projects",
    "users",
}


def check_unlock_request_bucket(value: str) -> UnlockRequestBucket:
    if value in UNLOCK_REQUEST_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {UNLOCK_REQUEST_BUCKET_VALUES!r}")
