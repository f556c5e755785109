from typing import Literal

DeleteBucket = Literal["companies", "projects", "users"]

DELETE_BUCKET_VALUES: set[DeleteBucket] = {
    "companies",
    "projects",
    "users",
}


def check_delete_bucket(value: str) -> DeleteBucket:
    if value in DELETE_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DELETE_BUCKET_VALUES!r}")
