from typing import Literal

StartMultipartBucket = Literal["companies", "projects", "users"]

START_MULTIPART_BUCKET_VALUES: set[StartMultipartBucket] = {
    "companies",
    "projects",
    "users",
}


def check_start_multipart_bucket(value: str) -> StartMultipartBucket:
    if value in START_MULTIPART_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {START_MULTIPART_BUCKET_VALUES!r}")
