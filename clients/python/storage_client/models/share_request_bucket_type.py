from typing import Literal

ShareRequestBucketType = Literal["companies", "projects", "users"]

SHARE_REQUEST_BUCKET_TYPE_VALUES: set[ShareRequestBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_share_request_bucket_type(value: str) -> ShareRequestBucketType:
    if value in SHARE_REQUEST_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SHARE_REQUEST_BUCKET_TYPE_VALUES!r}")
