from typing import Literal

GetLocksBucketType = Literal["companies", "projects", "users"]

GET_LOCKS_BUCKET_TYPE_VALUES: set[GetLocksBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_get_locks_bucket_type(value: str) -> GetLocksBucketType:
    if value in GET_LOCKS_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_LOCKS_BUCKET_TYPE_VALUES!r}")
