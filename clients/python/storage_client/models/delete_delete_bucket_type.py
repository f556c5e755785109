from typing import Literal

DeleteDeleteBucketType = Literal["companies", "projects", "users"]

DELETE_DELETE_BUCKET_TYPE_VALUES: set[DeleteDeleteBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_delete_delete_bucket_type(value: str) -> DeleteDeleteBucketType:
    if value in DELETE_DELETE_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DELETE_DELETE_BUCKET_TYPE_VALUES!r}")
