from typing import Literal

GetThumbnailBucketType = Literal["companies", "projects", "users"]

GET_THUMBNAIL_BUCKET_TYPE_VALUES: set[GetThumbnailBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_get_thumbnail_bucket_type(value: str) -> GetThumbnailBucketType:
    if value in GET_THUMBNAIL_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_THUMBNAIL_BUCKET_TYPE_VALUES!r}")
