from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Completed")


@_attrs_define
class Completed:
    """
    Attributes:
        completed (int | Unset): Uploads that became versions
        rejected (int | Unset): Uploads that failed the checks of confirm
        waiting (int | Unset): Uploads whose object is not (fully) there yet
    """

    completed: int | Unset = UNSET
    rejected: int | Unset = UNSET
    waiting: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        completed = self.completed

        rejected = self.rejected

        waiting = self.waiting

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if completed is not UNSET:
            field_dict["completed"] = completed
        if rejected is not UNSET:
            field_dict["rejected"] = rejected
        if waiting is not UNSET:
            field_dict["waiting"] = waiting

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        completed = d.pop("completed", UNSET)

        rejected = d.pop("rejected", UNSET)

        waiting = d.pop("waiting", UNSET)

        completed = cls(
            completed=completed,
            rejected=rejected,
            waiting=waiting,
        )

        return completed
