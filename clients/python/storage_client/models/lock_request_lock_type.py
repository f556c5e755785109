from typing import Literal

LockRequestLockType = Literal["admin", "edit", "review"]

LOCK_REQUEST_LOCK_TYPE_VALUES: set[LockRequestLockType] = {
    "admin",
    "edit",
    "review",
}


def check_lock_request_lock_type(value: str) -> LockRequestLockType:
    if value in LOCK_REQUEST_LOCK_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LOCK_REQUEST_LOCK_TYPE_VALUES!r}")
