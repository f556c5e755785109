from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.put_usage_bucket import PutUsageBucket
from ...models.put_usage_bucket_type import PutUsageBucketType
from ...models.quota_limits import QuotaLimits
from ...models.usage import Usage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: QuotaLimits,
    bucket_type: PutUsageBucketType | Unset = UNSET,
    bucket: PutUsageBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

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
        "method": "put",
        "url": "/usage",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Usage:
    if response.status_code == 200:
        response_200 = Usage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

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
    body: QuotaLimits,
    bucket_type: PutUsageBucketType | Unset = UNSET,
    bucket: PutUsageBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
) -> Response[Error | Usage]:
    """Set a bucket address's own limits (administrators); null returns a limit to the configured default.

    Args:
        bucket_type (PutUsageBucketType | Unset):
        bucket (PutUsageBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        body (QuotaLimits):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Usage]
    """

    kwargs = _get_kwargs(
        body=body,
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
    body: QuotaLimits,
    bucket_type: PutUsageBucketType | Unset = UNSET,
    bucket: PutUsageBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
) -> Error | Usage | None:
    """Set a bucket address's own limits (administrators); null returns a limit to the configured default.

    Args:
        bucket_type (PutUsageBucketType | Unset):
        bucket (PutUsageBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        body (QuotaLimits):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Usage
    """

    return sync_detailed(
        client=client,
        body=body,
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
    body: QuotaLimits,
    bucket_type: PutUsageBucketType | Unset = UNSET,
    bucket: PutUsageBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
) -> Response[Error | Usage]:
    """Set a bucket address's own limits (administrators); null returns a limit to the configured default.

    Args:
        bucket_type (PutUsageBucketType | Unset):
        bucket (PutUsageBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        body (QuotaLimits):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Usage]
    """

    kwargs = _get_kwargs(
        body=body,
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
    body: QuotaLimits,
    bucket_type: PutUsageBucketType | Unset = UNSET,
    bucket: PutUsageBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
) -> Error | Usage | None:
    """Set a bucket address's own limits (administrators); null returns a limit to the configured default.

    Args:
        bucket_type (PutUsageBucketType | Unset):
        bucket (PutUsageBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        body (QuotaLimits):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Usage
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            bucket_type=bucket_type,
            bucket=bucket,
            bucket_id=bucket_id,
            id=id,
            logical_path=logical_path,
            path=path,
        )
    ).parsed
