from typing import Literal

UploadFormBucket = Literal["companies", "projects", "users"]

UPLOAD_FORM_BUCKET_VALUES: set[UploadFormBucket] = {
    "companies",
    "projects",
    "users",
}


def check_upload_form_bucket(value: str) -> UploadFormBucket:
    if value in UPLOAD_FORM_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {UPLOAD_FORM_BUCKET_VALUES!r}")
