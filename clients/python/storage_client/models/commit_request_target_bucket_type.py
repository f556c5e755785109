from typing import Literal

CommitRequestTargetBucketType = Literal["companies", "projects", "users"]

COMMIT_REQUEST_TARGET_BUCKET_TYPE_VALUES: set[CommitRequestTargetBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_commit_request_target_bucket_type(value: str) -> CommitRequestTargetBucketType:
    if value in COMMIT_REQUEST_TARGET_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COMMIT_REQUEST_TARGET_BUCKET_TYPE_VALUES!r}")
