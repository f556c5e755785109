from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.metadata_patch import MetadataPatch
from ...models.metadata_update_command import MetadataUpdateCommand
from ...models.patch_metadata_bucket import PatchMetadataBucket
from ...models.patch_metadata_bucket_type import PatchMetadataBucketType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: MetadataPatch,
    bucket_type: PatchMetadataBucketType | Unset = UNSET,
    bucket: PatchMetadataBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
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

    json_file_id: str | Unset = UNSET
    if not isinstance(file_id, Unset):
        json_file_id = str(file_id)
    params["file_id"] = json_file_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/metadata",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | MetadataUpdateCommand:
    if response.status_code == 200:
        response_200 = MetadataUpdateCommand.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    response_default = Error.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | MetadataUpdateCommand]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: MetadataPatch,
    bucket_type: PatchMetadataBucketType | Unset = UNSET,
    bucket: PatchMetadataBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
) -> Response[Error | MetadataUpdateCommand]:
    """Replace a file's tags and/or set its description (other fields are refused).

    Args:
        bucket_type (PatchMetadataBucketType | Unset):
        bucket (PatchMetadataBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        body (MetadataPatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MetadataUpdateCommand]
    """

    kwargs = _get_kwargs(
        body=body,
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: MetadataPatch,
    bucket_type: PatchMetadataBucketType | Unset = UNSET,
    bucket: PatchMetadataBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
) -> Error | MetadataUpdateCommand | None:
    """Replace a file's tags and/or set its description (other fields are refused).

    Args:
        bucket_type (PatchMetadataBucketType | Unset):
        bucket (PatchMetadataBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        body (MetadataPatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MetadataUpdateCommand
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
        file_id=file_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: MetadataPatch,
    bucket_type: PatchMetadataBucketType | Unset = UNSET,
    bucket: PatchMetadataBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
) -> Response[Error | MetadataUpdateCommand]:
    """Replace a file's tags and/or set its description (other fields are refused).

    Args:
        bucket_type (PatchMetadataBucketType | Unset):
        bucket (PatchMetadataBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        body (MetadataPatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MetadataUpdateCommand]
    """

    kwargs = _get_kwargs(
        body=body,
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: MetadataPatch,
    bucket_type: PatchMetadataBucketType | Unset = UNSET,
    bucket: PatchMetadataBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
) -> Error | MetadataUpdateCommand | None:
    """Replace a file's tags and/or set its description (other fields are refused).

    Args:
        bucket_type (PatchMetadataBucketType | Unset):
        bucket (PatchMetadataBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        body (MetadataPatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MetadataUpdateCommand
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
            file_id=file_id,
        )
    ).parsed
