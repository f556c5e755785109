from typing import Literal

PresignUploadMethod = Literal["POST", "PUT"]

PRESIGN_UPLOAD_METHOD_VALUES: set[PresignUploadMethod] = {
    "POST",
    "PUT",
}


def check_presign_upload_method(value: str) -> PresignUploadMethod:
    if value in PRESIGN_UPLOAD_METHOD_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PRESIGN_UPLOAD_METHOD_VALUES!r}")
