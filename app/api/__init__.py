"""HTTP layer: one flask-smorest Blueprint per resource family."""

from app.api import (
    collaboration,
    downloads,
    files,
    moves,
    multipart_uploads,
    quotas,
    sharing,
    storage_events,
    thumbnails,
    trash,
    uploads,
    zip_download,
)
from app.api.limits import check_request
from app.api.rate_limits import authenticate_and_limit, spend_budget

API_BLUEPRINTS = [uploads.blp, collaboration.blp, downloads.blp, files.blp, trash.blp, quotas.blp]
API_BLUEPRINTS += [sharing.blp, moves.blp, thumbnails.blp]
API_BLUEPRINTS += [multipart_uploads.blp, zip_download.blp]

for _blueprint in API_BLUEPRINTS:
    _blueprint.before_request(check_request)  # bounded, well-formed input first: before authentication
    _blueprint.before_request(authenticate_and_limit)  # then the rate limit of the user it found

# Share links are served without login: bounded input, then the rate limit of the client's address.
sharing.public_blp.before_request(check_request)
sharing.public_blp.before_request(spend_budget)
API_BLUEPRINTS.append(sharing.public_blp)

# Bucket notifications from the object store: its token (no user), then bounded input; no user budget to spend.
storage_events.blp.before_request(storage_events.require_token)
storage_events.blp.before_request(check_request)
API_BLUEPRINTS.append(storage_events.blp)
