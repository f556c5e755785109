from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.get_usage_bucket import GetUsageBucket
from ...models.get_usage_bucket_type import GetUsageBucketType
from ...models.usage import Usage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    bucket_type: GetUsageBucketType | Unset = UNSET,
    bucket: GetUsageBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
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

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/usage",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Usage:
    if response.status_code == 200:
        response_200 = Usage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    response_default = Error.from_dict(response.json())

    return response_default


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Usage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetUsageBucketType | Unset = UNSET,
    bucket: GetUsageBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
) -> Response[Error | Usage]:
    """Bytes and files a bucket address holds, and its limits (needs `read` on the bucket).

    Args:
        bucket_type (GetUsageBucketType | Unset):
        bucket (GetUsageBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Usage]
    """

    kwargs = _get_kwargs(
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetUsageBucketType | Unset = UNSET,
    bucket: GetUsageBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
) -> Error | Usage | None:
    """Bytes and files a bucket address holds, and its limits (needs `read` on the bucket).

    Args:
        bucket_type (GetUsageBucketType | Unset):
        bucket (GetUsageBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Usage
    """

    return sync_detailed(
        client=client,
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetUsageBucketType | Unset = UNSET,
    bucket: GetUsageBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
) -> Response[Error | Usage]:
    """Bytes and files a bucket address holds, and its limits (needs `read` on the bucket).

    Args:
        bucket_type (GetUsageBucketType | Unset):
        bucket (GetUsageBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Usage]
    """

    kwargs = _get_kwargs(
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetUsageBucketType | Unset = UNSET,
    bucket: GetUsageBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
) -> Error | Usage | None:
    """Bytes and files a bucket address holds, and its limits (needs `read` on the bucket).

    Args:
        bucket_type (GetUsageBucketType | Unset):
        bucket (GetUsageBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Usage
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
        )
    ).parsed
