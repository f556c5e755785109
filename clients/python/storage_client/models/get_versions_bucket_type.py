from typing import Literal

GetVersionsBucketType = Literal["companies", "projects", "users"]

GET_VERSIONS_BUCKET_TYPE_VALUES: set[GetVersionsBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_get_versions_bucket_type(value: str) -> GetVersionsBucketType:
    if value in GET_VERSIONS_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_VERSIONS_BUCKET_TYPE_VALUES!r}")
