"""Logging to a rotating file in the platform log folder (ids only, never patient names)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE_NAME = "carecoord.log"
_configured: Path | None = None


def configure_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the app's log records to ``folder/carecoord.log`` (rotating, 5 x 2 MB)."""
    global _configured
    if folder is None:
        from carecoord.config import user_log_dir

        folder = user_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE_NAME
    if _configured == path:
        return path
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("carecoord")
    root.setLevel(level)
    root.addHandler(handler)
    _configured = path
    return path
