from typing import Literal

MoveRequestSourceBucket = Literal["companies", "projects", "users"]

MOVE_REQUEST_SOURCE_BUCKET_VALUES: set[MoveRequestSourceBucket] = {
    "companies",
    "projects",
    "users",
}


def check_move_request_source_bucket(value: str) -> MoveRequestSourceBucket:
    if value in MOVE_REQUEST_SOURCE_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MOVE_REQUEST_SOURCE_BUCKET_VALUES!r}")
