from typing import Literal

DeleteBucketType = Literal["companies", "projects", "users"]

DELETE_BUCKET_TYPE_VALUES: set[DeleteBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_delete_bucket_type(value: str) -> DeleteBucketType:
    if value in DELETE_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DELETE_BUCKET_TYPE_VALUES!r}")
