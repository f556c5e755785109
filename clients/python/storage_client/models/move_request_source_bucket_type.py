from typing import Literal

MoveRequestSourceBucketType = Literal["companies", "projects", "users"]

MOVE_REQUEST_SOURCE_BUCKET_TYPE_VALUES: set[MoveRequestSourceBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_move_request_source_bucket_type(value: str) -> MoveRequestSourceBucketType:
    if value in MOVE_REQUEST_SOURCE_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MOVE_REQUEST_SOURCE_BUCKET_TYPE_VALUES!r}")
