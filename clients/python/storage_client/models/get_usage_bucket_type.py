from typing import Literal

GetUsageBucketType = Literal["companies", "projects", "users"]

GET_USAGE_BUCKET_TYPE_VALUES: set[GetUsageBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_get_usage_bucket_type(value: str) -> GetUsageBucketType:
    if value in GET_USAGE_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_USAGE_BUCKET_TYPE_VALUES!r}")
