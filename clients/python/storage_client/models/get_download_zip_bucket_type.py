from typing import Literal

GetDownloadZipBucketType = Literal["companies", "projects", "users"]

GET_DOWNLOAD_ZIP_BUCKET_TYPE_VALUES: set[GetDownloadZipBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_get_download_zip_bucket_type(value: str) -> GetDownloadZipBucketType:
    if value in GET_DOWNLOAD_ZIP_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_DOWNLOAD_ZIP_BUCKET_TYPE_VALUES!r}")
