from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.previous_address import PreviousAddress


T = TypeVar("T", bound="MoveResult")


@_attrs_define
class MoveResult:
    """
    Attributes:
        bucket_id (str | Unset):
        bucket_type (str | Unset):
        file_id (UUID | Unset):
        filename (str | Unset):
        logical_path (str | Unset):
        overwritten_file_id (None | Unset | UUID): The file archived at the target (overwrite)
        previous (PreviousAddress | Unset):
    """

    bucket_id: str | Unset = UNSET
    bucket_type: str | Unset = UNSET
    file_id: UUID | Unset = UNSET
    filename: str | Unset = UNSET
    logical_path: str | Unset = UNSET
    overwritten_file_id: None | Unset | UUID = UNSET
    previous: PreviousAddress | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        bucket_id = self.bucket_id

        bucket_type = self.bucket_type

        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        filename = self.filename

        logical_path = self.logical_path

        overwritten_file_id: None | str | Unset
        if isinstance(self.overwritten_file_id, Unset):
            overwritten_file_id = UNSET
        elif isinstance(self.overwritten_file_id, UUID):
            overwritten_file_id = str(self.overwritten_file_id)
        else:
            overwritten_file_id = self.overwritten_file_id

        previous: dict[str, Any] | Unset = UNSET
        if not isinstance(self.previous, Unset):
            previous = self.previous.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if filename is not UNSET:
            field_dict["filename"] = filename
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if overwritten_file_id is not UNSET:
            field_dict["overwritten_file_id"] = overwritten_file_id
        if previous is not UNSET:
            field_dict["previous"] = previous

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.previous_address import PreviousAddress  # noqa: PLC0415

        d = dict(src_dict)
        bucket_id = d.pop("bucket_id", UNSET)

        bucket_type = d.pop("bucket_type", UNSET)

        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        filename = d.pop("filename", UNSET)

        logical_path = d.pop("logical_path", UNSET)

        def _parse_overwritten_file_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                overwritten_file_id_type_0 = UUID(data)

                return overwritten_file_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        overwritten_file_id = _parse_overwritten_file_id(d.pop("overwritten_file_id", UNSET))

        _previous = d.pop("previous", UNSET)
        previous: PreviousAddress | Unset
        if isinstance(_previous, Unset):
            previous = UNSET
        else:
            previous = PreviousAddress.from_dict(_previous)

        move_result = cls(
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            file_id=file_id,
            filename=filename,
            logical_path=logical_path,
            overwritten_file_id=overwritten_file_id,
            previous=previous,
        )

        return move_result
