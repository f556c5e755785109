from typing import Literal

CommitRequestSourceBucketType = Literal["companies", "projects", "users"]

COMMIT_REQUEST_SOURCE_BUCKET_TYPE_VALUES: set[CommitRequestSourceBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_commit_request_source_bucket_type(value: str) -> CommitRequestSourceBucketType:
    if value in COMMIT_REQUEST_SOURCE_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COMMIT_REQUEST_SOURCE_BUCKET_TYPE_VALUES!r}")
