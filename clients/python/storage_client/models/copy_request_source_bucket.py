from typing import Literal

CopyRequestSourceBucket = Literal["companies", "projects", "users"]

COPY_REQUEST_SOURCE_BUCKET_VALUES: set[CopyRequestSourceBucket] = {
    "companies",
    "projects",
    "users",
}


def check_copy_request_source_bucket(value: str) -> CopyRequestSourceBucket:
    if value in COPY_REQUEST_SOURCE_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COPY_REQUEST_SOURCE_BUCKET_VALUES!r}")
