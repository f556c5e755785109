from typing import Literal

MetadataPatchBucket = Literal["companies", "projects", "users"]

METADATA_PATCH_BUCKET_VALUES: set[MetadataPatchBucket] = {
    "companies",
    "projects",
    "users",
}


def check_metadata_patch_bucket(value: str) -> MetadataPatchBucket:
    if value in METADATA_PATCH_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {METADATA_PATCH_BUCKET_VALUES!r}")
