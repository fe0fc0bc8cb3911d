"""dialogue/photos.py: uploads are decoded to decide, shrunk, turned upright and stripped of metadata."""
from __future__ import annotations

import io
import struct
import warnings
import zlib

import pytest
from PIL import Image, ImageCms

from dialogue import photos
from dialogue.photos import MAX_SIDE, MAX_UPLOAD_BYTES, PhotoRejected, process_photo

RED, BLUE = (220, 0, 0), (0, 0, 220)
ORIENTATION, MAKE, MODEL, GPS_IFD = 0x0112, 0x010F, 0x0110, 0x8825


def _jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """The (marker, payload) of each JPEG segment before the image data."""
    assert data[:2] == b"\xff\xd8"
    segments, i = [], 2
    while i < len(data):
        assert data[i] == 0xFF
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        segments.append((marker, data[i + 4:i + 2 + length]))
        if marker == 0xDA:  # start of scan: compressed data follows
            break
        i += 2 + length
    return segments


def _camera_jpeg() -> bytes:
    """A 'phone photo' as stored: sideways (orientation 6), with GPS, make, XMP, ICC, a comment.

    The stored pixels are red on the left and blue on the right; shown upright
    (turned 90° clockwise) red is at the top.
    """
    image = Image.new("RGB", (300, 200), BLUE)
    image.paste(RED, (0, 0, 150, 200))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "PhoneMaker"
    exif[MODEL] = "Model X serial 12345"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (61.0, 41.0, 18.0), 3: "E", 4: (27.0, 16.0, 22.0)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>Mikkeli, Maija M.</rdf:RDF></x:xmpmeta>'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=xmp, icc_profile=icc, comment=b"Maija's phone", quality=95)
    return out.getvalue()


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (a decompression bomb's shape)."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr))
    return bytes(data)


def _refusal(data: bytes) -> str:
    with pytest.raises(PhotoRejected) as caught:
        process_photo(data)
    return str(caught.value.message)


def test_camera_photo_loses_every_metadata_and_is_turned_upright():
    original = _camera_jpeg()
    assert b"GPS" in original or Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    photo = process_photo(original)

    assert (photo.width, photo.height) == (200, 300)  # turned: 300x200 stored sideways
    # Only JFIF (APP0), quantisation and Huffman tables, the frame and the scan: no
    # APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC) or COM segment.
    markers = {marker for marker, _ in _jpeg_segments(photo.jpeg)}
    assert markers <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDA}, sorted(hex(m) for m in markers)
    for secret in (b"PhoneMaker", b"Model X", b"Mikkeli", b"Maija", b"Exif", b"http://ns.adobe.com"):
        assert secret not in photo.jpeg
    result = Image.open(io.BytesIO(photo.jpeg))
    assert result.format == "JPEG" and result.mode == "RGB"
    assert result.size == (200, 300)
    assert dict(result.getexif()) == {}
    assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & set(result.info)
    # Upright: the stored left (red) is now the top.
    top, bottom = result.getpixel((100, 30)), result.getpixel((100, 270))
    assert top[0] > 180 and top[2] < 60, top
    assert bottom[2] > 180 and bottom[0] < 60, bottom


def test_png_with_transparency_becomes_a_jpeg_on_white():
    image = Image.new("RGBA", (120, 80), (0, 0, 0, 0))
    image.paste((0, 0, 0, 255), (0, 0, 60, 80))
    out = io.BytesIO()
    image.save(out, "PNG")

    photo = process_photo(out.getvalue())

    result = Image.open(io.BytesIO(photo.jpeg))
    assert (result.format, result.mode, result.size) == ("JPEG", "RGB", (120, 80))
    assert (photo.width, photo.height) == (120, 80)
    assert min(result.getpixel((100, 40))) > 240   # transparent -> white, not black
    assert max(result.getpixel((20, 40))) < 15


@pytest.mark.parametrize("orientation,size", [(1, (MAX_SIDE, MAX_SIDE // 4)), (6, (MAX_SIDE // 4, MAX_SIDE))])
def test_a_big_photo_is_shrunk_to_the_largest_side(orientation, size):
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    out = io.BytesIO()
    Image.new("RGB", (4000, 1000), (30, 120, 60)).save(out, "JPEG", exif=exif)

    photo = process_photo(out.getvalue())

    assert (photo.width, photo.height) == size
    assert Image.open(io.BytesIO(photo.jpeg)).size == size


@pytest.mark.parametrize("data", [
    b"Muistiinpanot: kahvi, pullat\n" * 20,                       # a text file, whatever its name
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",  # EPS would run Ghostscript
    b"\x89PNG\r\n\x1a\n" + b"not really",
], ids=["text", "svg", "eps", "png-signature-only"])
def test_what_is_not_an_image_is_refused(data):
    message = _refusal(data)
    assert "not a photo" in message or "damaged" in message


def test_a_text_file_is_refused_as_not_a_photo():
    assert _refusal(b"hello, this is photo.jpg\n") == \
        "This file is not a photo. Choose a JPEG, PNG, WebP or GIF image."


def test_an_empty_upload_is_refused():
    assert _refusal(b"") == "The file is empty. Choose a photo."


def test_an_oversized_upload_is_refused_before_decoding():
    data = b"\xff\xd8\xff" + bytes(MAX_UPLOAD_BYTES)
    assert _refusal(data) == "The photo is too large. The largest allowed size is 12 MB."


@pytest.mark.parametrize("width,height", [(8000, 8000), (10_000, 10_000), (100_000, 100_000)])
def test_a_decompression_bomb_is_refused_without_a_warning_escaping(width, height):
    data = _png_declaring(width, height)
    assert len(data) < 100
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _refusal(data).startswith("The photo is too large in pixels.")


@pytest.mark.parametrize("width,height", [(10_000, 10_000), (100_000, 100_000)],
                         ids=["pillow-warning", "pillow-error"])
def test_pillows_own_bomb_guard_is_a_refusal_too(monkeypatch, width, height):
    # Without the module's own pixel limit, Pillow's warning (over Image.MAX_IMAGE_PIXELS)
    # and its error (over twice that) must still end in a refusal, not in decoding.
    monkeypatch.setattr(photos, "MAX_PIXELS", 10**12)
    assert width * height > Image.MAX_IMAGE_PIXELS
    assert _refusal(_png_declaring(width, height)).startswith("The photo is too large in pixels.")


def test_a_truncated_jpeg_is_refused():
    out = io.BytesIO()
    Image.effect_noise((640, 480), 50).convert("RGB").save(out, "JPEG")
    data = out.getvalue()
    for cut in (len(data) // 2, len(data) - 64):
        assert _refusal(data[:cut]) == "The photo is incomplete or damaged. Try sending it again."


def test_a_truncated_png_is_refused():
    out = io.BytesIO()
    Image.effect_noise((300, 200), 50).save(out, "PNG")
    data = out.getvalue()
    assert _refusal(data[: len(data) // 2]) == "The photo is incomplete or damaged. Try sending it again."


def test_a_truncated_photo_is_refused_after_reports_have_loaded_weasyprint():
    # WeasyPrint switches Pillow's process-wide LOAD_TRUNCATED_IMAGES on when imported;
    # a half-sent photo must still be refused in a process that also makes PDF reports.
    import weasyprint  # noqa: F401 - imported for its side effect
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    out = io.BytesIO()
    Image.effect_noise((300, 200), 50).save(out, "PNG")
    data = out.getvalue()
    assert _refusal(data[: len(data) // 2]) == "The photo is incomplete or damaged. Try sending it again."
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # the reports' own setting is left as it was
