from typing import Literal

GetDownloadZipBucket = Literal["companies", "projects", "users"]

GET_DOWNLOAD_ZIP_BUCKET_VALUES: set[GetDownloadZipBucket] = {
    "companies",
    "projects",
    "users",
}


def check_get_download_zip_bucket(value: str) -> GetDownloadZipBucket:
    if value in GET_DOWNLOAD_ZIP_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_DOWNLOAD_ZIP_BUCKET_VALUES!r}")
