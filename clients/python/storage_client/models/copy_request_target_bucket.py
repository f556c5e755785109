from typing import Literal

CopyRequestTargetBucket = Literal["companies", "projects", "users"]

COPY_REQUEST_TARGET_BUCKET_VALUES: set[CopyRequestTargetBucket] = {
    "companies",
    "projects",
    "users",
}


def check_copy_request_target_bucket(value: str) -> CopyRequestTargetBucket:
    if value in COPY_REQUEST_TARGET_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COPY_REQUEST_TARGET_BUCKET_VALUES!r}")
