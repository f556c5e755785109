from typing import Literal

GetListBucket = Literal["companies", "projects", "users"]

GET_LIST_BUCKET_VALUES: set[GetListBucket] = {
    "companies",
    "projects",
    "users",
}


def check_get_list_bucket(value: str) -> GetListBucket:
    if value in GET_LIST_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_LIST_BUCKET_VALUES!r}")
