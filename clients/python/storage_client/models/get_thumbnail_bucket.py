from typing import Literal

GetThumbnailBucket = Literal["companies", "projects", "users"]

GET_THUMBNAIL_BUCKET_VALUES: set[GetThumbnailBucket] = {
    "companies",
    "projects",
    "users",
}


def check_get_thumbnail_bucket(value: str) -> GetThumbnailBucket:
    if value in GET_THUMBNAIL_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_THUMBNAIL_BUCKET_VALUES!r}")
