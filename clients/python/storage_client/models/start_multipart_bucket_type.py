from typing import Literal

StartMultipartBucketType = Literal["companies", "projects", "users"]

START_MULTIPART_BUCKET_TYPE_VALUES: set[StartMultipartBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_start_multipart_bucket_type(value: str) -> StartMultipartBucketType:
    if value in START_MULTIPART_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {START_MULTIPART_BUCKET_TYPE_VALUES!r}")
