from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.part_url import PartUrl


T = TypeVar("T", bound="PartUrls")


@_attrs_define
class PartUrls:
    """
    Attributes:
        expires_at (datetime.datetime | Unset):
        expires_in (int | Unset):
        parts (list[PartUrl] | Unset):
        upload_id (UUID | Unset):
    """

    expires_at: datetime.datetime | Unset = UNSET
    expires_in: int | Unset = UNSET
    parts: list[PartUrl] | Unset = UNSET
    upload_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        expires_in = self.expires_in

        parts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.parts, Unset):
            parts = []
            for parts_item_data in self.parts:
                parts_item = parts_item_data.to_dict()
                parts.append(parts_item)

        upload_id: str | Unset = UNSET
        if not isinstance(self.upload_id, Unset):
            upload_id = str(self.upload_id)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if parts is not UNSET:
            field_dict["parts"] = parts
        if upload_id is not UNSET:
            field_dict["upload_id"] = upload_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.part_url import PartUrl  # noqa: PLC0415

        d = dict(src_dict)
        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        expires_in = d.pop("expires_in", UNSET)

        _parts = d.pop("parts", UNSET)
        parts: list[PartUrl] | Unset = UNSET
        if _parts is not UNSET:
            parts = []
            for parts_item_data in _parts:
                parts_item = PartUrl.from_dict(parts_item_data)

                parts.append(parts_item)

        _upload_id = d.pop("upload_id", UNSET)
        upload_id: UUID | Unset
        if isinstance(_upload_id, Unset):
            upload_id = UNSET
        else:
            upload_id = UUID(_upload_id)

        part_urls = cls(
            expires_at=expires_at,
            expires_in=expires_in,
            parts=parts,
            upload_id=upload_id,
        )

        return part_urls
