from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_log import AuditLog
    from ..models.file import File
    from ..models.lock_history import LockHistory
    from ..models.metadata_current_version_type_0_type_0 import MetadataCurrentVersionType0Type0
    from ..models.version import Version


T = TypeVar("T", bound="Metadata")


@_attrs_define
class Metadata:
    """
    Attributes:
        audit_logs (list[AuditLog] | Unset):
        current_version (MetadataCurrentVersionType0Type0 | None | Unset | Version):
        file (File | Unset):
        locks (list[LockHistory] | Unset):
        versions (list[Version] | Unset):
    """

    audit_logs: list[AuditLog] | Unset = UNSET
    current_version: MetadataCurrentVersionType0Type0 | None | Unset | Version = UNSET
    file: File | Unset = UNSET
    locks: list[LockHistory] | Unset = UNSET
    versions: list[Version] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.metadata_current_version_type_0_type_0 import MetadataCurrentVersionType0Type0  # noqa: PLC0415
        from ..models.version import Version  # noqa: PLC0415

        audit_logs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.audit_logs, Unset):
            audit_logs = []
            for audit_logs_item_data in self.audit_logs:
                audit_logs_item = audit_logs_item_data.to_dict()
                audit_logs.append(audit_logs_item)

        current_version: dict[str, Any] | None | Unset
        if isinstance(self.current_version, Unset):
            current_version = UNSET
        elif isinstance(self.current_version, MetadataCurrentVersionType0Type0):
            current_version = self.current_version.to_dict()
        elif isinstance(self.current_version, Version):
            current_version = self.current_version.to_dict()
        else:
            current_version = self.current_version

        file: dict[str, Any] | Unset = UNSET
        if not isinstance(self.file, Unset):
            file = self.file.to_dict()

        locks: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.locks, Unset):
            locks = []
            for locks_item_data in self.locks:
                locks_item = locks_item_data.to_dict()
                locks.append(locks_item)

        versions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.versions, Unset):
            versions = []
            for versions_item_data in self.versions:
                versions_item = versions_item_data.to_dict()
                versions.append(versions_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if audit_logs is not UNSET:
            field_dict["audit_logs"] = audit_logs
        if current_version is not UNSET:
            field_dict["current_version"] = current_version
        if file is not UNSET:
            field_dict["file"] = file
        if locks is not UNSET:
            field_dict["locks"] = locks
        if versions is not UNSET:
            field_dict["versions"] = versions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_log import AuditLog  # noqa: PLC0415
        from ..models.file import File  # noqa: PLC0415
        from ..models.lock_history import LockHistory  # noqa: PLC0415
        from ..models.metadata_current_version_type_0_type_0 import MetadataCurrentVersionType0Type0  # noqa: PLC0415
        from ..models.version import Version  # noqa: PLC0415

        d = dict(src_dict)
        _audit_logs = d.pop("audit_logs", UNSET)
        audit_logs: list[AuditLog] | Unset = UNSET
        if _audit_logs is not UNSET:
            audit_logs = []
            for audit_logs_item_data in _audit_logs:
                audit_logs_item = AuditLog.from_dict(audit_logs_item_data)

                audit_logs.append(audit_logs_item)

        def _parse_current_version(data: object) -> MetadataCurrentVersionType0Type0 | None | Unset | Version:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                current_version_type_0_type_0 = MetadataCurrentVersionType0Type0.from_dict(data)

                return current_version_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                current_version_type_1 = Version.from_dict(data)

                return current_version_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MetadataCurrentVersionType0Type0 | None | Unset | Version, data)

        current_version = _parse_current_version(d.pop("current_version", UNSET))

        _file = d.pop("file", UNSET)
        file: File | Unset
        if isinstance(_file, Unset):
            file = UNSET
        else:
            file = File.from_dict(_file)

        _locks = d.pop("locks", UNSET)
        locks: list[LockHistory] | Unset = UNSET
        if _locks is not UNSET:
            locks = []
            for locks_item_data in _locks:
                locks_item = LockHistory.from_dict(locks_item_data)

                locks.append(locks_item)

        _versions = d.pop("versions", UNSET)
        versions: list[Version] | Unset = UNSET
        if _versions is not UNSET:
            versions = []
            for versions_item_data in _versions:
                versions_item = Version.from_dict(versions_item_data)

                versions.append(versions_item)

        metadata = cls(
            audit_logs=audit_logs,
            current_version=current_version,
            file=file,
            locks=locks,
            versions=versions,
        )

        return metadata
