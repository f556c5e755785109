"""Development server: `python run.py` serves on embedded defaults (SQLite + local disk), ready to use."""

import os

from flask_migrate import upgrade

from app import create_app

app = create_app()

if __name__ == "__main__":
    with app.app_context():
        upgrade()  # development convenience only: production runs `flask db upgrade` as an explicit step
        app.extensions["object_store"].ensure_buckets()
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")), threaded=True)
