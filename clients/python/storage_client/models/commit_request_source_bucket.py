from typing import Literal

CommitRequestSourceBucket = Literal["companies", "projects", "users"]

COMMIT_REQUEST_SOURCE_BUCKET_VALUES: set[CommitRequestSourceBucket] = {
    "companies",
    "projects",
    "users",
}


def check_commit_request_source_bucket(value: str) -> CommitRequestSourceBucket:
    if value in COMMIT_REQUEST_SOURCE_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COMMIT_REQUEST_SOURCE_BUCKET_VALUES!r}")
