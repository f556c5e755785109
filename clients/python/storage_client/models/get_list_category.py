from typing import Literal

GetListCategory = Literal["archive", "document", "image", "other", "video"]

GET_LIST_CATEGORY_VALUES: set[GetListCategory] = {
    "archive",
    "document",
    "image",
    "other",
    "video",
}


def check_get_list_category(value: str) -> GetListCategory:
    if value in GET_LIST_CATEGORY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_LIST_CATEGORY_VALUES!r}")
