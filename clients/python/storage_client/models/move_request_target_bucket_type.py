from typing import Literal

MoveRequestTargetBucketType = Literal["companies", "projects", "users"]

MOVE_REQUEST_TARGET_BUCKET_TYPE_VALUES: set[MoveRequestTargetBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_move_request_target_bucket_type(value: str) -> MoveRequestTargetBucketType:
    if value in MOVE_REQUEST_TARGET_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MOVE_REQUEST_TARGET_BUCKET_TYPE_VALUES!r}")
