from typing import Literal

GetUsageBucket = Literal["companies", "projects", "users"]

GET_USAGE_BUCKET_VALUES: set[GetUsageBucket] = {
    "companies",
    "projects",
    "users",
}


def check_get_usage_bucket(value: str) -> GetUsageBucket:
    if value in GET_USAGE_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_USAGE_BUCKET_VALUES!r}")
