from typing import Literal

GetLocksBucket = Literal["companies", "projects", "users"]

GET_LOCKS_BUCKET_VALUES: set[GetLocksBucket] = {
    "companies",
    "projects",
    "users",
}


def check_get_locks_bucket(value: str) -> GetLocksBucket:
    if value in GET_LOCKS_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_LOCKS_BUCKET_VALUES!r}")
