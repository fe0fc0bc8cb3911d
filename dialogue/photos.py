"""Uploaded photos (e.g. of a flip chart or of paper notes): checked, shrunk and stripped.

`process_photo` takes the uploaded bytes and returns a new JPEG made from the pixels
only, or raises `PhotoRejected` with a message for the person who sent it. Whether a
file is an image is decided by decoding it, never by its name or content type.

What a phone photo may carry and must not reach a report: the place it was taken (GPS
in EXIF), the phone's make, model and serial number (maker notes), the time, editing
software and names (XMP, IPTC, comments), a thumbnail of the uncropped original. The
output is built from the decoded pixels into a new image, so none of it survives.
"""
from __future__ import annotations

import base64
import contextlib
import io
import math
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageFile, ImageOps

MAX_UPLOAD_BYTES = 12 * 1024 * 1024
# 50 megapixels: every phone camera's default mode (48 and 50 MP sensors included).
# Checked from the header, before any pixel is decoded, so that a small file that
# declares a huge image (a decompression bomb) costs no memory.
MAX_PIXELS = 50_000_000
MAX_SIDE = 1600          # px, the longer side of the output: sharp on a screen and on A4
JPEG_QUALITY = 82
# Only the formats phones and browsers send. Pillow would otherwise try every plugin it
# has, among them EPS (which runs Ghostscript) and many rarely used decoders.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "AVIF")


class PhotoRejected(Exception):
    """The upload is not accepted; `message` (a lazy translated string) says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo ready to store: JPEG bytes without metadata, and its size in pixels."""
    jpeg: bytes
    width: int
    height: int


def _too_many_pixels() -> PhotoRejected:
    return PhotoRejected(_l("The photo is too large in pixels. Take a smaller photo "
                            "or make it smaller first."))


def process_photo(data: bytes) -> ProcessedPhoto:
    """Check an uploaded photo and return it as a new, metadata-free JPEG.

    The photo is turned upright by its EXIF orientation, shrunk so that its longer
    side is at most MAX_SIDE px, flattened onto white if it has transparency and
    saved as a baseline RGB JPEG. Raises PhotoRejected when the upload is empty, larger
    than MAX_UPLOAD_BYTES, not an image of an accepted format, larger than MAX_PIXELS,
    or truncated or damaged.
    """
    if not data:
        raise PhotoRejected(_l("The file is empty. Choose a photo."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRejected(_l("The photo is too large. The largest allowed size is %(mb)s MB.",
                               mb=MAX_UPLOAD_BYTES // (1024 * 1024)))
    try:
        # Pillow only warns between Image.MAX_IMAGE_PIXELS and twice that; here a
        # warning is a refusal too. (It raises DecompressionBombError above that.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _decode(data)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except PhotoRejected:
        raise
    except Image.UnidentifiedImageError:
        raise PhotoRejected(_l("This file is not a photo. Choose a JPEG, PNG, WebP or GIF image.")) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Truncated data ("image file is truncated"), broken checksums, bad headers.
        # _truncated_images_refused keeps LOAD_TRUNCATED_IMAGES off: a half photo is refused.
        raise PhotoRejected(_l("The photo is incomplete or damaged. Try sending it again.")) from None
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return ProcessedPhoto(jpeg=out.getvalue(), width=image.width, height=image.height)


def _decode(data: bytes) -> Image.Image:
    """The upright, shrunk RGB pixels of `data` in a new image with no metadata at all."""
    with _truncated_images_refused(), Image.open(io.BytesIO(data), formats=FORMATS) as source:
        if source.width * source.height > MAX_PIXELS:
            raise _too_many_pixels()
        # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale directly: far less memory and
        # time for a big camera photo. Pillow picks a scale that keeps the image at
        # least as large as the size asked for, here the size it is shrunk to below.
        scale = MAX_SIDE / max(source.size)
        if scale < 1:
            source.draft("RGB", (math.ceil(source.width * scale), math.ceil(source.height * scale)))
        source.load()  # decodes everything now: truncated or damaged data fails here
        try:
            upright = ImageOps.exif_transpose(source)
        except Exception:  # noqa: BLE001 - broken EXIF from some editing apps: keep the pixels as stored
            upright = source.copy()
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return _pixels_only(upright)


@contextlib.contextmanager
def _truncated_images_refused():
    """Refuse truncated data while decoding, whatever the process-wide setting says.

    WeasyPrint turns Pillow's process-wide ImageFile.LOAD_TRUNCATED_IMAGES on when it is
    imported (for reports), which would let a half-sent photo through grey-filled. The
    decode does no I/O, so no other green thread runs while the flag is off.
    """
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _pixels_only(image: Image.Image) -> Image.Image:
    """A fresh RGB image with `image`'s pixels: no EXIF, XMP, ICC, comments or other info.

    Transparent areas become white (a JPEG has no transparency; black would hide
    dark writing on a transparent background).
    """
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        clean = Image.new("RGB", image.size, "white")
        clean.paste(rgba, mask=rgba.getchannel("A"))
        return clean
    clean = Image.new("RGB", image.size)
    clean.paste(image.convert("RGB"))
    return clean


# --- Storing and reading processed photos -------------------------------------------------
# A photo is stored once processed, as instance/uploads/<dialogue id>/<random>.jpg; the row
# that holds it keeps the relative name in `extra["photo"]` (commands/lifecycle.py deletes
# the files with the dialogue's raw data). Photos are served to the dialogue's staff only.

PRINT_SIDE = 700          # px, the longer side of a photo in a report (sharp enough at ~8 cm)
PRINT_QUALITY = 70


def uploads_dir() -> Path:
    """The folder under the instance folder that holds every dialogue's photos."""
    from flask import current_app
    return Path(current_app.instance_path) / "uploads"


def store_photo(dialogue_id: int, photo: ProcessedPhoto) -> str:
    """Write a processed photo for `dialogue_id`; return its name relative to `uploads_dir()`."""
    folder = uploads_dir() / str(int(dialogue_id))
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{int(dialogue_id)}/{secrets.token_hex(12)}.jpg"
    (uploads_dir() / name).write_bytes(photo.jpeg)
    return name


def photo_path(name: object) -> Path | None:
    """The file of a stored photo's `name`, or None if it is not one (or is outside the uploads)."""
    if not isinstance(name, str) or not name:
        return None
    root = uploads_dir().resolve()
    path = (root / name).resolve()
    return path if root in path.parents and path.is_file() else None


def delete_photo(name: object) -> None:
    """Remove a stored photo (a write that failed after storing it)."""
    path = photo_path(name)
    if path is not None:
        path.unlink(missing_ok=True)


def print_jpeg(name: object) -> bytes | None:
    """A stored photo made smaller for a report (PRINT_SIDE px), or None if it is gone."""
    path = photo_path(name)
    if path is None:
        return None
    with Image.open(path, formats=("JPEG",)) as image:
        image.load()
        small = image.convert("RGB")
    small.thumbnail((PRINT_SIDE, PRINT_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=PRINT_QUALITY, optimize=True)
    return out.getvalue()


def print_data_uri(name: object) -> str | None:
    """A report photo as a data: URI (reports are self-contained), or None if it is gone."""
    data = print_jpeg(name)
    return None if data is None else "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
