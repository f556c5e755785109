from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.get_download_presign_bucket import GetDownloadPresignBucket
from ...models.get_download_presign_bucket_type import (
    GetDownloadPresignBucketType,
)
from ...models.presigned_download import PresignedDownload
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    bucket_type: GetDownloadPresignBucketType | Unset = UNSET,
    bucket: GetDownloadPresignBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    version: int | Unset = UNSET,
    expires_in: int | Unset = UNSET,
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

    params["version"] = version

    params["expires_in"] = expires_in

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/download/presign",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | PresignedDownload:
    if response.status_code == 200:
        response_200 = PresignedDownload.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    response_default = Error.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | PresignedDownload]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetDownloadPresignBucketType | Unset = UNSET,
    bucket: GetDownloadPresignBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    version: int | Unset = UNSET,
    expires_in: int | Unset = UNSET,
) -> Response[Error | PresignedDownload]:
    """Get a presigned GET URL of the object store (forces attachment with the stored name).

    Args:
        bucket_type (GetDownloadPresignBucketType | Unset):
        bucket (GetDownloadPresignBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        version (int | Unset):
        expires_in (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PresignedDownload]
    """

    kwargs = _get_kwargs(
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
        version=version,
        expires_in=expires_in,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetDownloadPresignBucketType | Unset = UNSET,
    bucket: GetDownloadPresignBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    version: int | Unset = UNSET,
    expires_in: int | Unset = UNSET,
) -> Error | PresignedDownload | None:
    """Get a presigned GET URL of the object store (forces attachment with the stored name).

    Args:
        bucket_type (GetDownloadPresignBucketType | Unset):
        bucket (GetDownloadPresignBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        version (int | Unset):
        expires_in (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PresignedDownload
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
        version=version,
        expires_in=expires_in,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetDownloadPresignBucketType | Unset = UNSET,
    bucket: GetDownloadPresignBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    version: int | Unset = UNSET,
    expires_in: int | Unset = UNSET,
) -> Response[Error | PresignedDownload]:
    """Get a presigned GET URL of the object store (forces attachment with the stored name).

    Args:
        bucket_type (GetDownloadPresignBucketType | Unset):
        bucket (GetDownloadPresignBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        version (int | Unset):
        expires_in (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PresignedDownload]
    """

    kwargs = _get_kwargs(
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
        version=version,
        expires_in=expires_in,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetDownloadPresignBucketType | Unset = UNSET,
    bucket: GetDownloadPresignBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    version: int | Unset = UNSET,
    expires_in: int | Unset = UNSET,
) -> Error | PresignedDownload | None:
    """Get a presigned GET URL of the object store (forces attachment with the stored name).

    Args:
        bucket_type (GetDownloadPresignBucketType | Unset):
        bucket (GetDownloadPresignBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        version (int | Unset):
        expires_in (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PresignedDownload
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
            version=version,
            expires_in=expires_in,
        )
    ).parsed
