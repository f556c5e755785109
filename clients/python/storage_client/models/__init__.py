"""Contains all the data models used in inputs/outputs"""

from .approve_command import ApproveCommand
from .audit_log import AuditLog
from .audit_log_details import AuditLogDetails
from .commit_command import CommitCommand
from .commit_request import CommitRequest
from .commit_request_source_bucket import CommitRequestSourceBucket
from .commit_request_source_bucket_type import CommitRequestSourceBucketType
from .commit_request_target_bucket import CommitRequestTargetBucket
from .commit_request_target_bucket_type import CommitRequestTargetBucketType
from .commit_result import CommitResult
from .completed import Completed
from .confirm_upload import ConfirmUpload
from .copy_command import CopyCommand
from .copy_request import CopyRequest
from .copy_request_source_bucket import CopyRequestSourceBucket
from .copy_request_source_bucket_type import CopyRequestSourceBucketType
from .copy_request_target_bucket import CopyRequestTargetBucket
from .copy_request_target_bucket_type import CopyRequestTargetBucketType
from .copy_result import CopyResult
from .created_share import CreatedShare
from .decision import Decision
from .decision_result import DecisionResult
from .delete import Delete
from .delete_bucket import DeleteBucket
from .delete_bucket_type import DeleteBucketType
from .delete_command import DeleteCommand
from .delete_delete_bucket import DeleteDeleteBucket
from .delete_delete_bucket_type import DeleteDeleteBucketType
from .deleted import Deleted
from .entity import Entity
from .error import Error
from .error_errors import ErrorErrors
from .file import File
from .file_list import FileList
from .file_lock_type_0_type_0 import FileLockType0Type0
from .file_tags import FileTags
from .get_download_presign_bucket import GetDownloadPresignBucket
from .get_download_presign_bucket_type import GetDownloadPresignBucketType
from .get_download_proxy_bucket import GetDownloadProxyBucket
from .get_download_proxy_bucket_type import GetDownloadProxyBucketType
from .get_download_zip_bucket import GetDownloadZipBucket
from .get_download_zip_bucket_type import GetDownloadZipBucketType
from .get_list_bucket import GetListBucket
from .get_list_bucket_type import GetListBucketType
from .get_list_category import GetListCategory
from .get_list_status import GetListStatus
from .get_locks_bucket import GetLocksBucket
from .get_locks_bucket_type import GetLocksBucketType
from .get_metadata_bucket import GetMetadataBucket
from .get_metadata_bucket_type import GetMetadataBucketType
from .get_share_bucket import GetShareBucket
from .get_share_bucket_type import GetShareBucketType
from .get_thumbnail_bucket import GetThumbnailBucket
from .get_thumbnail_bucket_type import GetThumbnailBucketType
from .get_thumbnail_size import GetThumbnailSize
from .get_trash_bucket import GetTrashBucket
from .get_trash_bucket_type import GetTrashBucketType
from .get_usage_bucket import GetUsageBucket
from .get_usage_bucket_type import GetUsageBucketType
from .get_versions_bucket import GetVersionsBucket
from .get_versions_bucket_type import GetVersionsBucketType
from .get_versions_status import GetVersionsStatus
from .health import Health
from .health_checks import HealthChecks
from .health_checks_additional_property import HealthChecksAdditionalProperty
from .lock import Lock
from .lock_command import LockCommand
from .lock_history import LockHistory
from .lock_list import LockList
from .lock_request import LockRequest
from .lock_request_bucket import LockRequestBucket
from .lock_request_bucket_type import LockRequestBucketType
from .lock_request_lock_type import LockRequestLockType
from .lock_result import LockResult
from .lock_with_address import LockWithAddress
from .metadata import Metadata
from .metadata_current_version_type_0_type_0 import MetadataCurrentVersionType0Type0
from .metadata_patch import MetadataPatch
from .metadata_patch_bucket import MetadataPatchBucket
from .metadata_patch_bucket_type import MetadataPatchBucketType
from .metadata_patch_tags import MetadataPatchTags
from .metadata_update_command import MetadataUpdateCommand
from .metadata_updated import MetadataUpdated
from .metadata_updated_updated_fields import MetadataUpdatedUpdatedFields
from .move_command import MoveCommand
from .move_request import MoveRequest
from .move_request_source_bucket import MoveRequestSourceBucket
from .move_request_source_bucket_type import MoveRequestSourceBucketType
from .move_request_target_bucket import MoveRequestTargetBucket
from .move_request_target_bucket_type import MoveRequestTargetBucketType
from .move_result import MoveResult
from .multipart_abort_command import MultipartAbortCommand
from .multipart_aborted import MultipartAborted
from .multipart_session import MultipartSession
from .multipart_session_command import MultipartSessionCommand
from .multipart_status import MultipartStatus
from .named import Named
from .object_ import Object
from .pagination import Pagination
from .pagination_metadata import PaginationMetadata
from .part_url import PartUrl
from .part_url_headers import PartUrlHeaders
from .part_urls import PartUrls
from .part_urls_request import PartUrlsRequest
from .patch_metadata_bucket import PatchMetadataBucket
from .patch_metadata_bucket_type import PatchMetadataBucketType
from .presign_download_body import PresignDownloadBody
from .presign_download_body_bucket import PresignDownloadBodyBucket
from .presign_download_body_bucket_type import PresignDownloadBodyBucketType
from .presign_upload import PresignUpload
from .presign_upload_bucket import PresignUploadBucket
from .presign_upload_bucket_type import PresignUploadBucketType
from .presign_upload_method import PresignUploadMethod
from .presigned_download import PresignedDownload
from .presigned_upload import PresignedUpload
from .presigned_upload_fields import PresignedUploadFields
from .presigned_upload_headers import PresignedUploadHeaders
from .previous_address import PreviousAddress
from .public_config import PublicConfig
from .public_config_locks import PublicConfigLocks
from .public_config_presign import PublicConfigPresign
from .put_usage_bucket import PutUsageBucket
from .put_usage_bucket_type import PutUsageBucketType
from .quota_limits import QuotaLimits
from .record import Record
from .reject_command import RejectCommand
from .restore_file import RestoreFile
from .restore_file_command import RestoreFileCommand
from .restore_version import RestoreVersion
from .restore_version_command import RestoreVersionCommand
from .restored_file import RestoredFile
from .restored_version import RestoredVersion
from .revoke_share_command import RevokeShareCommand
from .service_version import ServiceVersion
from .share_command import ShareCommand
from .share_link import ShareLink
from .share_list import ShareList
from .share_request import ShareRequest
from .share_request_bucket import ShareRequestBucket
from .share_request_bucket_type import ShareRequestBucketType
from .start_multipart import StartMultipart
from .start_multipart_bucket import StartMultipartBucket
from .start_multipart_bucket_type import StartMultipartBucketType
from .storage_notification import StorageNotification
from .stored_part import StoredPart
from .trash_list import TrashList
from .trash_pagination import TrashPagination
from .trashed_file import TrashedFile
from .trashed_file_lock_type_0_type_0 import TrashedFileLockType0Type0
from .trashed_file_tags import TrashedFileTags
from .unlock_command import UnlockCommand
from .unlock_request import UnlockRequest
from .unlock_request_bucket import UnlockRequestBucket
from .unlock_request_bucket_type import UnlockRequestBucketType
from .unlock_result import UnlockResult
from .upload_command import UploadCommand
from .upload_form import UploadForm
from .upload_form_bucket import UploadFormBucket
from .upload_form_bucket_type import UploadFormBucketType
from .upload_result import UploadResult
from .usage import Usage
from .version import Version
from .version_list import VersionList

__all__ = (
    "ApproveCommand",
    "AuditLog",
    "AuditLogDetails",
    "CommitCommand",
    "CommitRequest",
    "CommitRequestSourceBucket",
    "CommitRequestSourceBucketType",
    "CommitRequestTargetBucket",
    "CommitRequestTargetBucketType",
    "CommitResult",
    "Completed",
    "ConfirmUpload",
    "CopyCommand",
    "CopyRequest",
    "CopyRequestSourceBucket",
    "CopyRequestSourceBucketType",
    "CopyRequestTargetBucket",
    "CopyRequestTargetBucketType",
    "CopyResult",
    "CreatedShare",
    "Decision",
    "DecisionResult",
    "Delete",
    "DeleteBucket",
    "DeleteBucketType",
    "DeleteCommand",
    "Deleted",
    "DeleteDeleteBucket",
    "DeleteDeleteBucketType",
    "Entity",
    "Error",
    "ErrorErrors",
    "File",
    "FileList",
    "FileLockType0Type0",
    "FileTags",
    "GetDownloadPresignBucket",
    "GetDownloadPresignBucketType",
    "GetDownloadProxyBucket",
    "GetDownloadProxyBucketType",
    "GetDownloadZipBucket",
    "GetDownloadZipBucketType",
    "GetListBucket",
    "GetListBucketType",
    "GetListCategory",
    "GetListStatus",
    "GetLocksBucket",
    "GetLocksBucketType",
    "GetMetadataBucket",
    "GetMetadataBucketType",
    "GetShareBucket",
    "GetShareBucketType",
    "GetThumbnailBucket",
    "GetThumbnailBucketType",
    "GetThumbnailSize",
    "GetTrashBucket",
    "GetTrashBucketType",
    "GetUsageBucket",
    "GetUsageBucketType",
    "GetVersionsBucket",
    "GetVersionsBucketType",
    "GetVersionsStatus",
    "Health",
    "HealthChecks",
    "HealthChecksAdditionalProperty",
    "Lock",
    "LockCommand",
    "LockHistory",
    "LockList",
    "LockRequest",
    "LockRequestBucket",
    "LockRequestBucketType",
    "LockRequestLockType",
    "LockResult",
    "LockWithAddress",
    "Metadata",
    "MetadataCurrentVersionType0Type0",
    "MetadataPatch",
    "MetadataPatchBucket",
    "MetadataPatchBucketType",
    "MetadataPatchTags",
    "MetadataUpdateCommand",
    "MetadataUpdated",
    "MetadataUpdatedUpdatedFields",
    "MoveCommand",
    "MoveRequest",
    "MoveRequestSourceBucket",
    "MoveRequestSourceBucketType",
    "MoveRequestTargetBucket",
    "MoveRequestTargetBucketType",
    "MoveResult",
    "MultipartAbortCommand",
    "MultipartAborted",
    "MultipartSession",
    "MultipartSessionCommand",
    "MultipartStatus",
    "Named",
    "Object",
    "Pagination",
    "PaginationMetadata",
    "PartUrl",
    "PartUrlHeaders",
    "PartUrls",
    "PartUrlsRequest",
    "PatchMetadataBucket",
    "PatchMetadataBucketType",
    "PresignDownloadBody",
    "PresignDownloadBodyBucket",
    "PresignDownloadBodyBucketType",
    "PresignedDownload",
    "PresignedUpload",
    "PresignedUploadFields",
    "PresignedUploadHeaders",
    "PresignUpload",
    "PresignUploadBucket",
    "PresignUploadBucketType",
    "PresignUploadMethod",
    "PreviousAddress",
    "PublicConfig",
    "PublicConfigLocks",
    "PublicConfigPresign",
    "PutUsageBucket",
    "PutUsageBucketType",
    "QuotaLimits",
    "Record",
    "RejectCommand",
    "RestoredFile",
    "RestoredVersion",
    "RestoreFile",
    "RestoreFileCommand",
    "RestoreVersion",
    "RestoreVersionCommand",
    "RevokeShareCommand",
    "ServiceVersion",
    "ShareCommand",
    "ShareLink",
    "ShareList",
    "ShareRequest",
    "ShareRequestBucket",
    "ShareRequestBucketType",
    "StartMultipart",
    "StartMultipartBucket",
    "StartMultipartBucketType",
    "StorageNotification",
    "StoredPart",
    "TrashedFile",
    "TrashedFileLockType0Type0",
    "TrashedFileTags",
    "TrashList",
    "TrashPagination",
    "UnlockCommand",
    "UnlockRequest",
    "UnlockRequestBucket",
    "UnlockRequestBucketType",
    "UnlockResult",
    "UploadCommand",
    "UploadForm",
    "UploadFormBucket",
    "UploadFormBucketType",
    "UploadResult",
    "Usage",
    "Version",
    "VersionList",
)
