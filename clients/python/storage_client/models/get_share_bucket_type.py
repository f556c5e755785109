from typing import Literal

GetShareBucketType = Literal["companies", "projects", "users"]

GET_SHARE_BUCKET_TYPE_VALUES: set[GetShareBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_get_share_bucket_type(value: str) -> GetShareBucketType:
    if value in GET_SHARE_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_SHARE_BUCKET_TYPE_VALUES!r}")
