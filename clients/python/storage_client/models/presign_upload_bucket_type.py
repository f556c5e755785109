from typing import Literal

PresignUploadBucketType = Literal["companies", "projects", "users"]

PRESIGN_UPLOAD_BUCKET_TYPE_VALUES: set[PresignUploadBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_presign_upload_bucket_type(value: str) -> PresignUploadBucketType:
    if value in PRESIGN_UPLOAD_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PRESIGN_UPLOAD_BUCKET_TYPE_VALUES!r}")
