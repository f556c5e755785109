from typing import Literal

GetDownloadPresignBucketType = Literal["companies", "projects", "users"]

GET_DOWNLOAD_PRESIGN_BUCKET_TYPE_VALUES: set[GetDownloadPresignBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_get_download_presign_bucket_type(value: str) -> GetDownloadPresignBucketType:
    if value in GET_DOWNLOAD_PRESIGN_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_DOWNLOAD_PRESIGN_BUCKET_TYPE_VALUES!r}")
