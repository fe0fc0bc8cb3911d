"""The jury lottery in the console: a facilitator uploads the volunteers' CSV and gets the jury,
the reserves, how the jury meets the quotas, the seed and the method in plain words; the same
seed gives the same jury; a file with names or an impossible quota gets a clear message."""
from __future__ import annotations

import io
import re

MUNICIPALITIES = ["Mikkeli"] * 12 + ["Juva"] * 6 + ["Hirvensalmi"] * 4


def volunteers(extra_column: str | None = None) -> bytes:
    header = ["id", "municipality", "age_band"] + ([extra_column] if extra_column else [])
    rows = [",".join(header)]
    for n, place in enumerate(MUNICIPALITIES, 1):
        row = [f"V{n:03d}", place, "18-29" if n % 2 else "30-64"] + (["x@example.fi"] if extra_column else [])
        rows.append(",".join(row))
    return ("\n".join(rows) + "\n").encode()


def draw(client, body: bytes, **fields):
    data = {"size": "6", "quotas": "municipality=Mikkeli:3,Juva:2,Hirvensalmi:1", "reserve": "2",
            "seed": "raati-2027", **fields, "volunteers": (io.BytesIO(body), "vapaaehtoiset.csv")}
    return client.post("/console/lottery", data=data, content_type="multipart/form-data")


def jurors(html: str) -> list[str]:
    jury = html.split('aria-labelledby="jury-h"')[1].split("</ol>")[0]
    return re.findall(r'<span class="mono">(V\d+)</span>', jury)


def test_a_facilitator_draws_a_jury_that_meets_the_quotas_and_can_be_repeated(make):
    client = make.facilitator_client(make.facilitator())
    page = client.get("/console/lottery").get_data(as_text=True)
    assert 'type="file"' in page and "arpanumero" in page  # the method in plain Finnish
    first = draw(client, volunteers())
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    chosen = jurors(html)
    assert len(chosen) == 6 and "raati-2027" in html
    by_place = {v: MUNICIPALITIES[int(v[1:]) - 1] for v in chosen}
    assert sorted(by_place.values()) == ["Hirvensalmi", "Juva", "Juva", "Mikkeli", "Mikkeli", "Mikkeli"]
    assert jurors(draw(client, volunteers()).get_data(as_text=True)) == chosen  # same seed, same jury


def test_names_and_impossible_quotas_are_refused_clearly(make):
    client = make.facilitator_client(make.facilitator())
    named = draw(client, volunteers("email"))
    assert named.status_code == 400 and 'aria-labelledby="jury-h"' not in named.get_data(as_text=True)
    impossible = draw(client, volunteers(), quotas="municipality=Mikkeli:9,Juva:2")
    assert impossible.status_code == 400 and "Mikkeli" in impossible.get_data(as_text=True)
    assert make.app.test_client().get("/console/lottery").status_code in (302, 401)  # log in first
