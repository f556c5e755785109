from typing import Literal

PresignUploadBucket = Literal["companies", "projects", "users"]

PRESIGN_UPLOAD_BUCKET_VALUES: set[PresignUploadBucket] = {
    "companies",
    "projects",
    "users",
}


def check_presign_upload_bucket(value: str) -> PresignUploadBucket:
    if value in PRESIGN_UPLOAD_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PRESIGN_UPLOAD_BUCKET_VALUES!r}")
