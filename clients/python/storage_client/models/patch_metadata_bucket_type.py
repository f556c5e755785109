from typing import Literal

PatchMetadataBucketType = Literal["companies", "projects", "users"]

PATCH_METADATA_BUCKET_TYPE_VALUES: set[PatchMetadataBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_patch_metadata_bucket_type(value: str) -> PatchMetadataBucketType:
    if value in PATCH_METADATA_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PATCH_METADATA_BUCKET_TYPE_VALUES!r}")
