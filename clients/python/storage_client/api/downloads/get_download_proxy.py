from http import HTTPStatus
from typing import Any, cast
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.get_download_proxy_bucket import GetDownloadProxyBucket
from ...models.get_download_proxy_bucket_type import GetDownloadProxyBucketType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    bucket_type: GetDownloadProxyBucketType | Unset = UNSET,
    bucket: GetDownloadProxyBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    version: int | Unset = UNSET,
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

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/download/proxy",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Error:
    if response.status_code == 200:
        response_200 = cast(Any, None)
        return response_200

    if response.status_code == 206:
        response_206 = cast(Any, None)
        return response_206

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 416:
        response_416 = Error.from_dict(response.json())

        return response_416

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    response_default = Error.from_dict(response.json())

    return response_default


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetDownloadProxyBucketType | Unset = UNSET,
    bucket: GetDownloadProxyBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    version: int | Unset = UNSET,
) -> Response[Any | Error]:
    """Download a file through the service (streamed; Range and If-None-Match honoured).

    Args:
        bucket_type (GetDownloadProxyBucketType | Unset):
        bucket (GetDownloadProxyBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        version (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
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
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetDownloadProxyBucketType | Unset = UNSET,
    bucket: GetDownloadProxyBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    version: int | Unset = UNSET,
) -> Any | Error | None:
    """Download a file through the service (streamed; Range and If-None-Match honoured).

    Args:
        bucket_type (GetDownloadProxyBucketType | Unset):
        bucket (GetDownloadProxyBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        version (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
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
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetDownloadProxyBucketType | Unset = UNSET,
    bucket: GetDownloadProxyBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    version: int | Unset = UNSET,
) -> Response[Any | Error]:
    """Download a file through the service (streamed; Range and If-None-Match honoured).

    Args:
        bucket_type (GetDownloadProxyBucketType | Unset):
        bucket (GetDownloadProxyBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        version (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
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
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetDownloadProxyBucketType | Unset = UNSET,
    bucket: GetDownloadProxyBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    version: int | Unset = UNSET,
) -> Any | Error | None:
    """Download a file through the service (streamed; Range and If-None-Match honoured).

    Args:
        bucket_type (GetDownloadProxyBucketType | Unset):
        bucket (GetDownloadProxyBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        version (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
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
        )
    ).parsed
