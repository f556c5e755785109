from typing import Literal

GetThumbnailSize = Literal[64, 256, 1024]

GET_THUMBNAIL_SIZE_VALUES: set[GetThumbnailSize] = {
    64,
    256,
    1024,
}


def check_get_thumbnail_size(value: int) -> GetThumbnailSize:
    if value in GET_THUMBNAIL_SIZE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_THUMBNAIL_SIZE_VALUES!r}")
