from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="DecisionResult")


@_attrs_define
class DecisionResult:
    """
    Attributes:
        file_id (UUID | Unset):
        is_current (bool | Unset):
        rejection_reason (None | str | Unset):
        status (str | Unset):
        version_id (UUID | Unset):
    """

    file_id: UUID | Unset = UNSET
    is_current: bool | Unset = UNSET
    rejection_reason: None | str | Unset = UNSET
    status: str | Unset = UNSET
    version_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        is_current = self.is_current

        rejection_reason: None | str | Unset
        if isinstance(self.rejection_reason, Unset):
            rejection_reason = UNSET
        else:
            rejection_reason = self.rejection_reason

        status = self.status

        version_id: str | Unset = UNSET
        if not isinstance(self.version_id, Unset):
            version_id = str(self.version_id)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if is_current is not UNSET:
            field_dict["is_current"] = is_current
        if rejection_reason is not UNSET:
            field_dict["rejection_reason"] = rejection_reason
        if status is not UNSET:
            field_dict["status"] = status
        if version_id is not UNSET:
            field_dict["version_id"] = version_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        is_current = d.pop("is_current", UNSET)

        def _parse_rejection_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rejection_reason = _parse_rejection_reason(d.pop("rejection_reason", UNSET))

        status = d.pop("status", UNSET)

        _version_id = d.pop("version_id", UNSET)
        version_id: UUID | Unset
        if isinstance(_version_id, Unset):
            version_id = UNSET
        else:
            version_id = UUID(_version_id)

        decision_result = cls(
            file_id=file_id,
            is_current=is_current,
            rejection_reason=rejection_reason,
            status=status,
            version_id=version_id,
        )

        return decision_result
