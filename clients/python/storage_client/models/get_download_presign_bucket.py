from typing import Literal

GetDownloadPresignBucket = Literal["companies", "projects", "users"]

GET_DOWNLOAD_PRESIGN_BUCKET_VALUES: set[GetDownloadPresignBucket] = {
    "companies",
    "projects",
    "users",
}


def check_get_download_presign_bucket(value: str) -> GetDownloadPresignBucket:
    if value in GET_DOWNLOAD_PRESIGN_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_DOWNLOAD_PRESIGN_BUCKET_VALUES!r}")
