from typing import Literal

GetMetadataBucketType = Literal["companies", "projects", "users"]

GET_METADATA_BUCKET_TYPE_VALUES: set[GetMetadataBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_get_metadata_bucket_type(value: str) -> GetMetadataBucketType:
    if value in GET_METADATA_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_METADATA_BUCKET_TYPE_VALUES!r}")
