from typing import Literal

PresignDownloadBodyBucket = Literal["companies", "projects", "users"]

PRESIGN_DOWNLOAD_BODY_BUCKET_VALUES: set[PresignDownloadBodyBucket] = {
    "companies",
    "projects",
    "users",
}


def check_presign_download_body_bucket(value: str) -> PresignDownloadBodyBucket:
    if value in PRESIGN_DOWNLOAD_BODY_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PRESIGN_DOWNLOAD_BODY_BUCKET_VALUES!r}")
