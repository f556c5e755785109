from typing import Literal

PutUsageBucket = Literal["companies", "projects", "users"]

PUT_USAGE_BUCKET_VALUES: set[PutUsageBucket] = {
    "companies",
    "projects",
    "users",
}


def check_put_usage_bucket(value: str) -> PutUsageBucket:
    if value in PUT_USAGE_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PUT_USAGE_BUCKET_VALUES!r}")
