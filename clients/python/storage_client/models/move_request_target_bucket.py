from typing import Literal

MoveRequestTargetBucket = Literal["companies", "projects", "users"]

MOVE_REQUEST_TARGET_BUCKET_VALUES: set[MoveRequestTargetBucket] = {
    "companies",
    "projects",
    "users",
}


def check_move_request_target_bucket(value: str) -> MoveRequestTargetBucket:
    if value in MOVE_REQUEST_TARGET_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MOVE_REQUEST_TARGET_BUCKET_VALUES!r}")
