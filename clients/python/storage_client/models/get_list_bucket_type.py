from typing import Literal

GetListBucketType = Literal["companies", "projects", "users"]

GET_LIST_BUCKET_TYPE_VALUES: set[GetListBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_get_list_bucket_type(value: str) -> GetListBucketType:
    if value in GET_LIST_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_LIST_BUCKET_TYPE_VALUES!r}")
