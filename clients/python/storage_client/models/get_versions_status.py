from typing import Literal

GetVersionsStatus = Literal["corrupted", "draft", "pending_validation", "rejected", "validated"]

GET_VERSIONS_STATUS_VALUES: set[GetVersionsStatus] = {
    "corrupted",
    "draft",
    "pending_validation",
    "rejected",
    "validated",
}


def check_get_versions_status(value: str) -> GetVersionsStatus:
    if value in GET_VERSIONS_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_VERSIONS_STATUS_VALUES!r}")
