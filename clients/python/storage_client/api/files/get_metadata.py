from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.get_metadata_bucket import GetMetadataBucket
from ...models.get_metadata_bucket_type import GetMetadataBucketType
from ...models.metadata import Metadata
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    bucket_type: GetMetadataBucketType | Unset = UNSET,
    bucket: GetMetadataBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    include_versions: bool | Unset = False,
    include_locks: bool | Unset = False,
    include_audit: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_bucket_type: str | Unset = UNSET
    if not isinstance(bucket_type, Unset):
        json_bucket_type = bucket_type

    params["bucket_type"] = json_bucket_type

    json_bucket: str | Unset = UNSET
    if not isinstance(bucket, Unset):
        json_bucket = bucket

    params["bucket"] = json_bucket

    params["bucket_id"] = bucket_id

    params["id"] = id

    params["logical_path"] = logical_path

    params["path"] = path

    json_file_id: str | Unset = UNSET
    if not isinstance(file_id, Unset):
        json_file_id = str(file_id)
    params["file_id"] = json_file_id

    params["include_versions"] = include_versions

    params["include_locks"] = include_locks

    params["include_audit"] = include_audit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/metadata",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Metadata:
    if response.status_code == 200:
        response_200 = Metadata.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    response_default = Error.from_dict(response.json())

    return response_default


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Metadata]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetMetadataBucketType | Unset = UNSET,
    bucket: GetMetadataBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    include_versions: bool | Unset = False,
    include_locks: bool | Unset = False,
    include_audit: bool | Unset = False,
) -> Response[Error | Metadata]:
    """A file's metadata, current version and optionally its versions, lock history and audit trail.

    Args:
        bucket_type (GetMetadataBucketType | Unset):
        bucket (GetMetadataBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        include_versions (bool | Unset):  Default: False.
        include_locks (bool | Unset):  Default: False.
        include_audit (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Metadata]
    """

    kwargs = _get_kwargs(
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
        include_versions=include_versions,
        include_locks=include_locks,
        include_audit=include_audit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetMetadataBucketType | Unset = UNSET,
    bucket: GetMetadataBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    include_versions: bool | Unset = False,
    include_locks: bool | Unset = False,
    include_audit: bool | Unset = False,
) -> Error | Metadata | None:
    """A file's metadata, current version and optionally its versions, lock history and audit trail.

    Args:
        bucket_type (GetMetadataBucketType | Unset):
        bucket (GetMetadataBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        include_versions (bool | Unset):  Default: False.
        include_locks (bool | Unset):  Default: False.
        include_audit (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Metadata
    """

    return sync_detailed(
        client=client,
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
        include_versions=include_versions,
        include_locks=include_locks,
        include_audit=include_audit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetMetadataBucketType | Unset = UNSET,
    bucket: GetMetadataBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    include_versions: bool | Unset = False,
    include_locks: bool | Unset = False,
    include_audit: bool | Unset = False,
) -> Response[Error | Metadata]:
    """A file's metadata, current version and optionally its versions, lock history and audit trail.

    Args:
        bucket_type (GetMetadataBucketType | Unset):
        bucket (GetMetadataBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        include_versions (bool | Unset):  Default: False.
        include_locks (bool | Unset):  Default: False.
        include_audit (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Metadata]
    """

    kwargs = _get_kwargs(
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
        include_versions=include_versions,
        include_locks=include_locks,
        include_audit=include_audit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetMetadataBucketType | Unset = UNSET,
    bucket: GetMetadataBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    include_versions: bool | Unset = False,
    include_locks: bool | Unset = False,
    include_audit: bool | Unset = False,
) -> Error | Metadata | None:
    """A file's metadata, current version and optionally its versions, lock history and audit trail.

    Args:
        bucket_type (GetMetadataBucketType | Unset):
        bucket (GetMetadataBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        include_versions (bool | Unset):  Default: False.
        include_locks (bool | Unset):  Default: False.
        include_audit (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Metadata
    """

    return (
        await asyncio_detailed(
            client=client,
            bucket_type=bucket_type,
            bucket=bucket,
            bucket_id=bucket_id,
            id=id,
            logical_path=logical_path,
            path=path,
            file_id=file_id,
            include_versions=include_versions,
            include_locks=include_locks,
            include_audit=include_audit,
        )
    ).parsed
