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
from .confirm_upload import ConfirmUpload
from .copy_command import CopyCommand
from .copy_request import CopyRequest
from .copy_request_source_bucket import CopyRequestSourceBucket
from .copy_request_source_bucket_type import CopyRequestSourceBucketType
from .copy_request_target_bucket import CopyRequestTargetBucket
from .copy_request_target_bucket_type import CopyRequestTargetBucketType
from .copy_result import CopyResult
from .decision import Decision
from .decision_result import DecisionResult
from .delete import Delete
from .delete_bucket import DeleteBucket
from .delete_bucket_type import DeleteBucketType
from .delete_command import DeleteCommand
from .delete_delete_bucket import DeleteDeleteBucket
from .delete_delete_bucket_type import DeleteDeleteBucketType
from .deleted import Deleted
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
from .get_list_bucket import GetListBucket
from .get_list_bucket_type import GetListBucketType
from .get_list_category import GetListCategory
from .get_list_status import GetListStatus
from .get_locks_bucket import GetLocksBucket
from .get_locks_bucket_type import GetLocksBucketType
from .get_metadata_bucket import GetMetadataBucket
from .get_metadata_bucket_type import GetMetadataBucketType
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
from .pagination import Pagination
from .pagination_metadata import PaginationMetadata
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
from .public_config import PublicConfig
from .public_config_locks import PublicConfigLocks
from .public_config_presign import PublicConfigPresign
from .reject_command import RejectCommand
from .service_version import ServiceVersion
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
    "ConfirmUpload",
    "CopyCommand",
    "CopyRequest",
    "CopyRequestSourceBucket",
    "CopyRequestSourceBucketType",
    "CopyRequestTargetBucket",
    "CopyRequestTargetBucketType",
    "CopyResult",
    "Decision",
    "DecisionResult",
    "Delete",
    "DeleteBucket",
    "DeleteBucketType",
    "DeleteCommand",
    "Deleted",
    "DeleteDeleteBucket",
    "DeleteDeleteBucketType",
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
    "GetListBucket",
    "GetListBucketType",
    "GetListCategory",
    "GetListStatus",
    "GetLocksBucket",
    "GetLocksBucketType",
    "GetMetadataBucket",
    "GetMetadataBucketType",
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
    "Pagination",
    "PaginationMetadata",
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
    "PublicConfig",
    "PublicConfigLocks",
    "PublicConfigPresign",
    "RejectCommand",
    "ServiceVersion",
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
    "Version",
    "VersionList",
)
