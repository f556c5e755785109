from typing import Literal

GetTrashBucketType = Literal["companies", "projects", "users"]

GET_TRASH_BUCKET_TYPE_VALUES: set[GetTrashBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_get_trash_bucket_type(value: str) -> GetTrashBucketType:
    if value in GET_TRASH_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_TRASH_BUCKET_TYPE_VALUES!r}")
