from typing import Literal

ShareRequestBucket = Literal["companies", "projects", "users"]

SHARE_REQUEST_BUCKET_VALUES: set[ShareRequestBucket] = {
    "companies",
    "projects",
    "users",
}


def check_share_request_bucket(value: str) -> ShareRequestBucket:
    if value in SHARE_REQUEST_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SHARE_REQUEST_BUCKET_VALUES!r}")
