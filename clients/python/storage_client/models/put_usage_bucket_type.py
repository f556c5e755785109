from typing import Literal

PutUsageBucketType = Literal["companies", "projects", "users"]

PUT_USAGE_BUCKET_TYPE_VALUES: set[PutUsageBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_put_usage_bucket_type(value: str) -> PutUsageBucketType:
    if value in PUT_USAGE_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PUT_USAGE_BUCKET_TYPE_VALUES!r}")
