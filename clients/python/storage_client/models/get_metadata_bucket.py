from typing import Literal

GetMetadataBucket = Literal["companies", "projects", "users"]

GET_METADATA_BUCKET_VALUES: set[GetMetadataBucket] = {
    "companies",
    "projects",
    "users",
}


def check_get_metadata_bucket(value: str) -> GetMetadataBucket:
    if value in GET_METADATA_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_METADATA_BUCKET_VALUES!r}")
