from typing import Literal

GetDownloadProxyBucket = Literal["companies", "projects", "users"]

GET_DOWNLOAD_PROXY_BUCKET_VALUES: set[GetDownloadProxyBucket] = {
    "companies",
    "projects",
    "users",
}


def check_get_download_proxy_bucket(value: str) -> GetDownloadProxyBucket:
    if value in GET_DOWNLOAD_PROXY_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_DOWNLOAD_PROXY_BUCKET_VALUES!r}")
