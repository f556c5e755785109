from typing import Literal

CommitRequestTargetBucket = Literal["companies", "projects", "users"]

COMMIT_REQUEST_TARGET_BUCKET_VALUES: set[CommitRequestTargetBucket] = {
    "companies",
    "projects",
    "users",
}


def check_commit_request_target_bucket(value: str) -> CommitRequestTargetBucket:
    if value in COMMIT_REQUEST_TARGET_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COMMIT_REQUEST_TARGET_BUCKET_VALUES!r}")
