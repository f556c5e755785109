from typing import Literal

GetListStatus = Literal["archived", "draft", "pending_validation", "validated"]

GET_LIST_STATUS_VALUES: set[GetListStatus] = {
    "archived",
    "draft",
    "pending_validation",
    "validated",
}


def check_get_list_status(value: str) -> GetListStatus:
    if value in GET_LIST_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_LIST_STATUS_VALUES!r}")
