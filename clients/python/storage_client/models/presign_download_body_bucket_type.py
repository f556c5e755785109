from typing import Literal

PresignDownloadBodyBucketType = Literal["companies", "projects", "users"]

PRESIGN_DOWNLOAD_BODY_BUCKET_TYPE_VALUES: set[PresignDownloadBodyBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_presign_download_body_bucket_type(value: str) -> PresignDownloadBodyBucketType:
    if value in PRESIGN_DOWNLOAD_BODY_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PRESIGN_DOWNLOAD_BODY_BUCKET_TYPE_VALUES!r}")
