from typing import Literal

CopyRequestTargetBucketType = Literal["companies", "projects", "users"]

COPY_REQUEST_TARGET_BUCKET_TYPE_VALUES: set[CopyRequestTargetBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_copy_request_target_bucket_type(value: str) -> CopyRequestTargetBucketType:
    if value in COPY_REQUEST_TARGET_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COPY_REQUEST_TARGET_BUCKET_TYPE_VALUES!r}")
