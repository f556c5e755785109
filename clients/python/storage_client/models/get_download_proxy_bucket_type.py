from typing import Literal

GetDownloadProxyBucketType = Literal["companies", "projects", "users"]

GET_DOWNLOAD_PROXY_BUCKET_TYPE_VALUES: set[GetDownloadProxyBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_get_download_proxy_bucket_type(value: str) -> GetDownloadProxyBucketType:
    if value in GET_DOWNLOAD_PROXY_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_DOWNLOAD_PROXY_BUCKET_TYPE_VALUES!r}")
