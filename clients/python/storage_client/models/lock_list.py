from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.lock_with_address import LockWithAddress


T = TypeVar("T", bound="LockList")


@_attrs_define
class LockList:
    """
    Attributes:
        locks (list[LockWithAddress] | Unset):
        total (int | Unset):
    """

    locks: list[LockWithAddress] | Unset = UNSET
    total: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        locks: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.locks, Unset):
            locks = []
            for locks_item_data in self.locks:
                locks_item = locks_item_data.to_dict()
                locks.append(locks_item)

        total = self.total

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if locks is not UNSET:
            field_dict["locks"] = locks
        if total is not UNSET:
            field_dict["total"] = total

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lock_with_address import LockWithAddress  # noqa: PLC0415

        d = dict(src_dict)
        _locks = d.pop("locks", UNSET)
        locks: list[LockWithAddress] | Unset = UNSET
        if _locks is not UNSET:
            locks = []
            for locks_item_data in _locks:
                locks_item = LockWithAddress.from_dict(locks_item_data)

                locks.append(locks_item)

        total = d.pop("total", UNSET)

        lock_list = cls(
            locks=locks,
            total=total,
        )

        return lock_list
