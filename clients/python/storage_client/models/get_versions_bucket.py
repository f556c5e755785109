from typing import Literal

GetVersionsBucket = Literal["companies", "projects", "users"]

GET_VERSIONS_BUCKET_VALUES: set[GetVersionsBucket] = {
    "companies",
    "projects",
    "users",
}


def check_get_versions_bucket(value: str) -> GetVersionsBucket:
    if value in GET_VERSIONS_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_VERSIONS_BUCKET_VALUES!r}")
