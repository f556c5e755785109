from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.multipart_session import MultipartSession


T = TypeVar("T", bound="MultipartSessionCommand")


@_attrs_define
class MultipartSessionCommand:
    """
    Attributes:
        data (MultipartSession | Unset):
        message (str | Unset):
        status (str | Unset):
        success (bool | Unset):
    """

    data: MultipartSession | Unset = UNSET
    message: str | Unset = UNSET
    status: str | Unset = UNSET
    success: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        message = self.message

        status = self.status

        success = self.success

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if data is not UNSET:
            field_dict["data"] = data
        if message is not UNSET:
            field_dict["message"] = message
        if status is not UNSET:
            field_dict["status"] = status
        if success is not UNSET:
            field_dict["success"] = success

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.multipart_session import MultipartSession  # noqa: PLC0415

        d = dict(src_dict)
        _data = d.pop("data", UNSET)
        data: MultipartSession | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = MultipartSession.from_dict(_data)

        message = d.pop("message", UNSET)

        status = d.pop("status", UNSET)

        success = d.pop("success", UNSET)

        multipart_session_command = cls(
            data=data,
            message=message,
            status=status,
            success=success,
        )

        return multipart_session_command
