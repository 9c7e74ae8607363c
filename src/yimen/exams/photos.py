"""The candidate's photo: checked, normalised and stored under the data directory.

The photo goes on the admission ticket, so the invigilator can match the face at the seat.
What arrives is refused unless it is a JPEG or PNG image of sensible size; what is kept is
a re-encoded JPEG at most 480 × 640 pixels — the re-encoding drops whatever else the file
carried (EXIF with the place it was taken, trailing data) and bounds the space per person.
Pure apart from Pillow (a dependency of reportlab, which the PDFs already use)."""

from __future__ import annotations

import io
import uuid

from .errors import BadPhoto

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse a "decompression bomb" before decoding it
MIN_SIDE, MAX_SIDE = 100, 8000
KEPT = (480, 640)
FORMATS = {"JPEG", "PNG"}


def photo_name(instance, filename: str) -> str:
    """A random file name under MEDIA_ROOT (YIMEN_DATA_DIR/media, never served as such:
    the scoped view hands the photo to the candidate, the employer and staff of the area
    only); the person's name or ID number never appears in a path."""
    return f"exams/photos/{uuid.uuid4().hex}.jpg"


def normalised_photo(data: bytes) -> bytes:
    """The photo as a JPEG of at most 480 × 640, or BadPhoto saying what is wrong."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise BadPhoto("empty")
    if len(data) > MAX_BYTES:
        raise BadPhoto("size")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()  # truncated or corrupt files fail here, before decoding
        if kind not in FORMATS:
            raise BadPhoto("type")
        if width * height > MAX_PIXELS or not (
            min(width, height) >= MIN_SIDE and max(width, height) <= MAX_SIDE
        ):
            raise BadPhoto("dimensions")
        with Image.open(io.BytesIO(data)) as image:
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise BadPhoto("type") from None
    picture.thumbnail(KEPT)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()
