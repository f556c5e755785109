from typing import Literal

CopyRequestSourceBucketType = Literal["companies", "projects", "users"]

COPY_REQUEST_SOURCE_BUCKET_TYPE_VALUES: set[CopyRequestSourceBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_copy_request_source_bucket_type(value: str) -> CopyRequestSourceBucketType:
    if value in COPY_REQUEST_SOURCE_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COPY_REQUEST_SOURCE_BUCKET_TYPE_VALUES!r}")
