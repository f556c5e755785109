"""HTTP layer: one flask-smorest Blueprint per resource family."""

from app.api import collaboration, uploads

API_BLUEPRINTS = [uploads.blp, collaboration.blp]
