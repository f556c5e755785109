from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.public_config_locks import PublicConfigLocks
    from ..models.public_config_presign import PublicConfigPresign


T = TypeVar("T", bound="PublicConfig")


@_attrs_define
class PublicConfig:
    """
    Attributes:
        allowed_mime_types (list[str] | Unset):
        buckets (list[str] | Unset):
        locks (PublicConfigLocks | Unset):
        max_upload_size (int | Unset):
        presign (PublicConfigPresign | Unset):
        project_delegation (bool | Unset):
        storage_backend (str | Unset):
    """

    allowed_mime_types: list[str] | Unset = UNSET
    buckets: list[str] | Unset = UNSET
    locks: PublicConfigLocks | Unset = UNSET
    max_upload_size: int | Unset = UNSET
    presign: PublicConfigPresign | Unset = UNSET
    project_delegation: bool | Unset = UNSET
    storage_backend: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        allowed_mime_types: list[str] | Unset = UNSET
        if not isinstance(self.allowed_mime_types, Unset):
            allowed_mime_types = self.allowed_mime_types

        buckets: list[str] | Unset = UNSET
        if not isinstance(self.buckets, Unset):
            buckets = self.buckets

        locks: dict[str, Any] | Unset = UNSET
        if not isinstance(self.locks, Unset):
            locks = self.locks.to_dict()

        max_upload_size = self.max_upload_size

        presign: dict[str, Any] | Unset = UNSET
        if not isinstance(self.presign, Unset):
            presign = self.presign.to_dict()

        project_delegation = self.project_delegation

        storage_backend = self.storage_backend

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if allowed_mime_types is not UNSET:
            field_dict["allowed_mime_types"] = allowed_mime_types
        if buckets is not UNSET:
            field_dict["buckets"] = buckets
        if locks is not UNSET:
            field_dict["locks"] = locks
        if max_upload_size is not UNSET:
            field_dict["max_upload_size"] = max_upload_size
        if presign is not UNSET:
            field_dict["presign"] = presign
        if project_delegation is not UNSET:
            field_dict["project_delegation"] = project_delegation
        if storage_backend is not UNSET:
            field_dict["storage_backend"] = storage_backend

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.public_config_locks import PublicConfigLocks  # noqa: PLC0415
        from ..models.public_config_presign import PublicConfigPresign  # noqa: PLC0415

        d = dict(src_dict)
        allowed_mime_types = cast(list[str], d.pop("allowed_mime_types", UNSET))

        buckets = cast(list[str], d.pop("buckets", UNSET))

        _locks = d.pop("locks", UNSET)
        locks: PublicConfigLocks | Unset
        if isinstance(_locks, Unset):
            locks = UNSET
        else:
            locks = PublicConfigLocks.from_dict(_locks)

        max_upload_size = d.pop("max_upload_size", UNSET)

        _presign = d.pop("presign", UNSET)
        presign: PublicConfigPresign | Unset
        if isinstance(_presign, Unset):
            presign = UNSET
        else:
            presign = PublicConfigPresign.from_dict(_presign)

        project_delegation = d.pop("project_delegation", UNSET)

        storage_backend = d.pop("storage_backend", UNSET)

        public_config = cls(
            allowed_mime_types=allowed_mime_types,
            buckets=buckets,
            locks=locks,
            max_upload_size=max_upload_size,
            presign=presign,
            project_delegation=project_delegation,
            storage_backend=storage_backend,
        )

        return public_config
