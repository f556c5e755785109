from typing import Literal

PatchMetadataBucket = Literal["companies", "projects", "users"]

PATCH_METADATA_BUCKET_VALUES: set[PatchMetadataBucket] = {
    "companies",
    "projects",
    "users",
}


def check_patch_metadata_bucket(value: str) -> PatchMetadataBucket:
    if value in PATCH_METADATA_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PATCH_METADATA_BUCKET_VALUES!r}")
