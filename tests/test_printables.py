"""dialogue/export/printables.py: A4 PDFs whose text reads right and whose QR codes scan.

Each page is rendered to PNG with pdftoppm (Debian: poppler-utils) and its QR codes are
decoded with zxing-cpp, so a test fails if a code would not scan from the paper.
"""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from dialogue.export.printables import (
    JOIN_INSTRUCTIONS,
    join_poster_pdf,
    station_sheets_pdf,
    table_cards_pdf,
)

A4 = (595.3, 841.9)  # points
STATIONS = [
    {"name": "Asema 1: Työnhaku", "code": "AB3K7Q", "url": "https://osuva.example.fi/j/AB3K7Q?s=1"},
    {"name": "Station 2 – Åsa & <Vänner>", "code": "ZX9P2M", "url": "https://osuva.example.fi/j/ZX9P2M?s=2"},
    {"name": "Kolmas piste: miten palvelut löytyvät, kun ei ole autoa eikä bussia kulje Juvalta",
     "code": "H7T4WE", "url": "https://osuva.example.fi/j/H7T4WE?s=3&lang=fi"},
]
TABLES = [
    {"name": "Pöytä 1", "join_url": "https://osuva.example.fi/j/AB3K7Q",
     "host_url": "https://osuva.example.fi/h/9f8e7d6c5b4a39281706f5e4d3c2b1a0"},
    {"name": "Pöytä 2 – keittiö", "join_url": "https://osuva.example.fi/j/AB3K7Q"},
    {"name": "Kahvipöytä"},
]


def _text(page) -> str:
    """A page's text with whitespace collapsed (names wrap across lines)."""
    return " ".join(page.extract_text().split())


@pytest.fixture(scope="module")
def render(tmp_path_factory):
    """pdf bytes -> one PIL image per page, rendered at 100 dpi by pdftoppm."""
    assert shutil.which("pdftoppm"), "pdftoppm is missing: apt-get install poppler-utils"
    folder = tmp_path_factory.mktemp("pages")

    def pages(pdf: bytes, name: str) -> list[Image.Image]:
        source = folder / f"{name}.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "100", "-png", str(source), str(folder / name)],
                       check=True, timeout=120)
        files = sorted(folder.glob(f"{name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return [Image.open(f) for f in files]
    return pages


def _codes(image: Image.Image) -> list[zxingcpp.Barcode]:
    return list(zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))


def _reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=1)
    return reader


@pytest.fixture(scope="module")
def station_pdf() -> bytes:
    return station_sheets_pdf(STATIONS, title="Asemat")


def test_station_sheets_one_page_per_station_with_name_and_code(station_pdf):
    reader = _reader(station_pdf)
    assert len(reader.pages) == len(STATIONS)
    assert reader.metadata.title == "Asemat"
    for page, station in zip(reader.pages, STATIONS):
        text = _text(page)
        assert station["name"] in text  # in order, one per page; "<" printed as text
        assert station["code"] in text
        assert station["url"] in text.replace(" ", "")
        for other in STATIONS:
            if other is not station:
                assert other["code"] not in text


def test_station_sheets_qr_code_scans_to_that_stations_url(station_pdf, render):
    images = render(station_pdf, "stations")
    assert len(images) == len(STATIONS)
    for image, station in zip(images, STATIONS):
        codes = _codes(image)
        assert [c.text for c in codes] == [station["url"]]
        # Large: the code spans more than half of the page's width.
        position = codes[0].position
        assert position.top_right.x - position.top_left.x > image.width / 2


def test_join_poster(render):
    url = "https://osuva.example.fi/j/AB3K7Q"
    pdf = join_poster_pdf("Työllisyyspalvelut Mikkelissä – mitä kuuluu?", "AB3K7Q", url)
    reader = _reader(pdf)
    assert len(reader.pages) == 1
    text = _text(reader.pages[0])
    assert "Työllisyyspalvelut Mikkelissä – mitä kuuluu?" in text
    assert "AB3K7Q" in text and url in text
    for _lang, line in JOIN_INSTRUCTIONS:
        assert line in text
    assert [c.text for c in _codes(render(pdf, "poster")[0])] == [url]


def test_table_cards_host_copy_below_the_cut_and_only_where_given(render):
    pdf = table_cards_pdf(TABLES)
    reader = _reader(pdf)
    assert len(reader.pages) == len(TABLES)
    images = render(pdf, "tables")
    for page, image, table in zip(reader.pages, images, TABLES):
        text = _text(page)
        assert table["name"] in text
        codes = {c.text: c for c in _codes(image)}
        assert set(codes) == {u for u in (table.get("join_url"), table.get("host_url")) if u}
        if table.get("host_url"):
            assert "Host's copy – keep it to yourself" in text
            # The host's link is on the lower half (cut off), the join link on the upper one.
            assert codes[table["host_url"]].position.top_left.y > image.height / 2
            assert codes[table["join_url"]].position.bottom_left.y < image.height / 2
            assert table["host_url"] not in text.replace(" ", "")  # only as a QR code
        else:
            assert "Host's copy" not in text
        if table.get("join_url"):
            assert "Join with your phone: scan the QR code." in text


@pytest.mark.parametrize("call", [
    lambda: station_sheets_pdf([], title="x"),
    lambda: station_sheets_pdf([{"name": "A", "code": "", "url": "https://x.test/"}], title="x"),
    lambda: station_sheets_pdf([{"name": "A", "code": "AB", "url": " "}], title="x"),
    lambda: table_cards_pdf([]),
    lambda: join_poster_pdf("Title", "", "https://x.test/"),
], ids=["no-stations", "no-code", "no-url", "no-tables", "poster-no-code"])
def test_missing_data_is_an_error_not_an_empty_page(call):
    with pytest.raises(ValueError):
        call()

