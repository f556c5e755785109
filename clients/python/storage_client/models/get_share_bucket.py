from typing import Literal

GetShareBucket = Literal["companies", "projects", "users"]

GET_SHARE_BUCKET_VALUES: set[GetShareBucket] = {
    "companies",
    "projects",
    "users",
}


def check_get_share_bucket(value: str) -> GetShareBucket:
    if value in GET_SHARE_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_SHARE_BUCKET_VALUES!r}")
