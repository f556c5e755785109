from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_errors import ErrorErrors
    from ..models.lock import Lock


T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """
    Attributes:
        base_version (int | None | Unset): version_conflict: the version the commit was based on
        current_version_number (int | None | Unset): version_conflict: the file's newest version
        detail (str | Unset): Human-readable sentence
        errors (ErrorErrors | Unset): validation_error: field → list of messages (an object of that shape for nested
            data)
        fields (list[str] | Unset): missing_fields: the names of the missing fields
        lock (Lock | Unset):
        message (str | Unset): Machine-readable error code
        size (int | Unset): range_not_satisfiable: the object's size in bytes
        status (str | Unset):
    """

    base_version: int | None | Unset = UNSET
    current_version_number: int | None | Unset = UNSET
    detail: str | Unset = UNSET
    errors: ErrorErrors | Unset = UNSET
    fields: list[str] | Unset = UNSET
    lock: Lock | Unset = UNSET
    message: str | Unset = UNSET
    size: int | Unset = UNSET
    status: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        base_version: int | None | Unset
        if isinstance(self.base_version, Unset):
            base_version = UNSET
        else:
            base_version = self.base_version

        current_version_number: int | None | Unset
        if isinstance(self.current_version_number, Unset):
            current_version_number = UNSET
        else:
            current_version_number = self.current_version_number

        detail = self.detail

        errors: dict[str, Any] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = self.errors.to_dict()

        fields: list[str] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = self.fields

        lock: dict[str, Any] | Unset = UNSET
        if not isinstance(self.lock, Unset):
            lock = self.lock.to_dict()

        message = self.message

        size = self.size

        status = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if base_version is not UNSET:
            field_dict["base_version"] = base_version
        if current_version_number is not UNSET:
            field_dict["current_version_number"] = current_version_number
        if detail is not UNSET:
            field_dict["detail"] = detail
        if errors is not UNSET:
            field_dict["errors"] = errors
        if fields is not UNSET:
            field_dict["fields"] = fields
        if lock is not UNSET:
            field_dict["lock"] = lock
        if message is not UNSET:
            field_dict["message"] = message
        if size is not UNSET:
            field_dict["size"] = size
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_errors import ErrorErrors  # noqa: PLC0415
        from ..models.lock import Lock  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_base_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        base_version = _parse_base_version(d.pop("base_version", UNSET))

        def _parse_current_version_number(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        current_version_number = _parse_current_version_number(d.pop("current_version_number", UNSET))

        detail = d.pop("detail", UNSET)

        _errors = d.pop("errors", UNSET)
        errors: ErrorErrors | Unset
        if isinstance(_errors, Unset):
            errors = UNSET
        else:
            errors = ErrorErrors.from_dict(_errors)

        fields = cast(list[str], d.pop("fields", UNSET))

        _lock = d.pop("lock", UNSET)
        lock: Lock | Unset
        if isinstance(_lock, Unset):
            lock = UNSET
        else:
            lock = Lock.from_dict(_lock)

        message = d.pop("message", UNSET)

        size = d.pop("size", UNSET)

        status = d.pop("status", UNSET)

        error = cls(
            base_version=base_version,
            current_version_number=current_version_number,
            detail=detail,
            errors=errors,
            fields=fields,
            lock=lock,
            message=message,
            size=size,
            status=status,
        )

        return error
