from typing import Literal

GetTrashBucket = Literal["companies", "projects", "users"]

GET_TRASH_BUCKET_VALUES: set[GetTrashBucket] = {
    "companies",
    "projects",
    "users",
}


def check_get_trash_bucket(value: str) -> GetTrashBucket:
    if value in GET_TRASH_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_TRASH_BUCKET_VALUES!r}")
