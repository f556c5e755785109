from typing import Literal

UnlockRequestBucketType = Literal["companies", "projects", "users"]

UNLOCK_REQUEST_BUCKET_TYPE_VALUES: set[UnlockRequestBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_unlock_request_bucket_type(value: str) -> UnlockRequestBucketType:
    if value in UNLOCK_REQUEST_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {UNLOCK_REQUEST_BUCKET_TYPE_VALUES!r}")
