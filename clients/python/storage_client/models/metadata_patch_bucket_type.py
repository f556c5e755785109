from typing import Literal

MetadataPatchBucketType = Literal["companies", "projects", "users"]

METADATA_PATCH_BUCKET_TYPE_VALUES: set[MetadataPatchBucketType] = {
    "companies",
    "projects",
    "users",
}


def check_metadata_patch_bucket_type(value: str) -> MetadataPatchBucketType:
    if value in METADATA_PATCH_BUCKET_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {METADATA_PATCH_BUCKET_TYPE_VALUES!r}")
