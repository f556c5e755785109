from typing import Literal

UploadFormBucketType = Literal["companies", "projects", "users"]

UPLOAD_FORM_BUCKET_TYPE_VALUES: set[UploadFormBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_upload_form_bucket_type(value: str) -> UploadFormBucketType:
    if value in UPLOAD_FORM_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {UPLOAD_FORM_BUCKET_TYPE_VALUES!r}")
