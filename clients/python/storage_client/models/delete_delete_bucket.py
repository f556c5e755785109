from typing import Literal

DeleteDeleteBucket = Literal["companies", "projects", "users"]

DELETE_DELETE_BUCKET_VALUES: set[DeleteDeleteBucket] = {
    "companies",
    "projects",
    "users",
}


def check_delete_delete_bucket(value: str) -> DeleteDeleteBucket:
    if value in DELETE_DELETE_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DELETE_DELETE_BUCKET_VALUES!r}")
