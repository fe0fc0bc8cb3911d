"""A walk with stations (`stations`): a phone opens a station from its own URL, rates it with
faces and words, writes what works, what doesn't and an idea, adds a photo (stripped of its
place), with and without JavaScript; refused photos say why and store nothing; the console
sees each station; staff hide a photo; the purge removes the files."""
from __future__ import annotations

import io

from PIL import Image

from dialogue import db
from dialogue.activities.stations import station_code
from dialogue.models import Contribution, Dialogue
from tests.conftest import cid
from tests.support.report_data import add_step

ROUTE = ["Bussipysäkki | Linja-auto keskustaan | Torikatu 3", "Palvelupiste | Ovi ja neuvonta",
         "Odotustila"]


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A small JPEG whose EXIF says where it was taken (GPS) and with what phone."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Puhelinvalmistaja"
    exif[0x8825] = {1: "N", 2: (61.0, 30.0, 0.0), 3: "E", 4: (27.0, 5.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _walk(make, **config):
    d = make.dialogue(method="blank")
    step = add_step(db.session.get(Dialogue, d.id), 5, "stations", "Kävely", "Arvioi paikka.",
                    stations=config.pop("stations", ROUTE), **config)
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    assert staff.emit("act", "go_to_step", {"step_id": step.id, "client_id": cid()}, callback=True)["ok"]
    return db.session.get(Dialogue, d.id), step, staff


def _visit(phone, d, step, station, **fields):
    data = {"action": "station_visit", "step_id": step.id, "client_id": fields.pop("client_id", cid()),
            "station": station, **fields}
    return phone.post(f"/p/{d.code}/act", data=data, content_type="multipart/form-data")


def test_a_station_url_opens_that_station_with_faces_and_words(make):
    d, step, _staff = _walk(make)
    code = station_code("Palvelupiste")
    phone = make.participant_client(d)
    r = phone.get(f"/j/{d.code}/s/{code}")
    assert r.status_code == 302 and f"station={code}" in r.headers["Location"]
    page = phone.get(r.headers["Location"]).get_data(as_text=True)
    assert "Asema 2: Palvelupiste" in page and "Ovi ja neuvonta" in page
    for word in ("Tuntuu turvalliselta", "Esteetön", "Ymmärrettävä", "Tosi huono", "Tosi hyvä"):
        assert word in page
    assert 'enctype="multipart/form-data"' in page and "data-offline" in page
    assert "kasvoja" in page  # the reminder not to photograph faces


def test_a_new_phone_scanning_a_station_joins_and_lands_on_it(make):
    d, step, _staff = _walk(make)
    code = station_code("Odotustila")
    phone = make.app.test_client()
    page = phone.get(f"/j/{d.code}/s/{code}").get_data(as_text=True)
    assert "csrf_token" in page  # the join form: one tap
    token = page.split('name="csrf_token" type="hidden" value="')[-1].split('"')[0] if 'type="hidden" value="' in page \
        else page.split('name="csrf_token" value="')[1].split('"')[0]
    r = phone.post(f"/j/{d.code}/s/{code}", data={"csrf_token": token})
    assert r.status_code == 302 and f"station={code}" in r.headers["Location"]
    assert "Asema 3: Odotustila" in phone.get(r.headers["Location"]).get_data(as_text=True)


def test_a_visit_without_javascript_is_stored_once_and_the_list_marks_it_visited(make):
    d, step, _staff = _walk(make)
    code = station_code("Bussipysäkki")
    phone = make.participant_client(d)
    write = cid()
    for _ in range(2):
        r = _visit(phone, d, step, code, client_id=write, rating_0="2", rating_1="4", works="Katos on hyvä",
                   not_works="Aikataulu on liian pienellä", idea="Isompi aikataulu",
                   photo=(io.BytesIO(jpeg_with_gps()), "kuva.jpg"))
        assert r.status_code == 303
    rows = db.session.query(Contribution).filter_by(step_id=step.id).order_by(Contribution.id).all()
    assert [(c.source, c.text) for c in rows] == [
        ("participant", "Katos on hyvä"), ("participant", "Aikataulu on liian pienellä"),
        ("participant", "Isompi aikataulu"), ("visit", "")]
    assert rows[-1].extra["ratings"] == {"0": 2, "1": 4}
    photo = make.app.instance_path + "/uploads/" + rows[-1].extra["photo"]
    with Image.open(photo) as image:
        assert not image.getexif() and "exif" not in image.info  # no GPS, no phone maker
    page = phone.get(f"/p/{d.code}?station=").get_data(as_text=True)
    assert page.count("✓") == 1 and "Olet käynyt 1 asemalla" in page


def test_refused_photos_say_why_and_store_nothing(make):
    d, step, _staff = _walk(make)
    code = station_code("Bussipysäkki")
    phone = make.participant_client(d)
    good = jpeg_with_gps()
    for data, message in ((b"just text, not a photo", "ei ole kuva"),
                          (good[: len(good) // 2], "vajaa tai vioittunut"),
                          (b"\xff\xd8" + b"0" * (12 * 1024 * 1024 + 10), "liian suuri")):
        r = _visit(phone, d, step, code, works="Teksti", photo=(io.BytesIO(data), "kuva.jpg"))
        assert r.status_code == 303
        page = phone.get(f"/p/{d.code}").get_data(as_text=True)
        assert "msg-error" in page and message in page.lower(), message
    assert db.session.query(Contribution).filter_by(step_id=step.id).count() == 0
    import os
    folder = os.path.join(make.app.instance_path, "uploads", str(d.id))
    assert not os.path.isdir(folder) or not os.listdir(folder)


def test_an_empty_visit_is_refused(make):
    d, step, _staff = _walk(make)
    phone = make.participant_client(d)
    _visit(phone, d, step, station_code("Odotustila"))
    assert "msg-error" in phone.get(f"/p/{d.code}").get_data(as_text=True)
    _visit(phone, d, step, "XXXX", works="Hyvä")
    assert db.session.query(Contribution).filter_by(step_id=step.id).count() == 0


def test_socket_visits_show_per_station_on_the_screen_and_the_console(make):
    d, step, staff = _walk(make)
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_link_token)
    screen.get_received()
    phone = make.socket(make.participant_client(d), "participant", d)
    for station, rating in ((station_code("Bussipysäkki"), 1), (station_code("Bussipysäkki"), 2),
                            (station_code("Odotustila"), 5)):
        ack = phone.emit("act", "station_visit", {"step_id": step.id, "station": station, "rating_0": rating,
                                                  "not_works": f"Huono {rating}", "client_id": cid()}, callback=True)
        assert ack["ok"], ack
    live = [e["args"][0] for e in screen.get_received() if e["name"] == "live"][-1]
    groups = live["step"]["results"]["groups"]
    assert [g["title"] for g in groups] == ["1. Bussipysäkki", "2. Palvelupiste", "3. Odotustila"]
    assert groups[0]["bars"][0]["value"] == 1.5 and groups[2]["bars"][0]["value"] == 5
    console = make.facilitator_client(d.owner).get(f"/console/d/{d.id}").get_data(as_text=True)
    assert "Huono 1" in console and "Huono 5" in console and "2 havaintoa" in console


def test_a_hidden_photo_leaves_the_report_and_the_purge_deletes_the_files(make):
    import os

    from dialogue.commands.lifecycle import purge_dialogue
    from dialogue.export.formats import render
    from dialogue.export.report import build_report
    d, step, staff = _walk(make)
    phone = make.participant_client(d)
    _visit(phone, d, step, station_code("Palvelupiste"), rating_0="5",
           photo=(io.BytesIO(jpeg_with_gps()), "kuva.jpg"))
    visit = db.session.query(Contribution).filter_by(step_id=step.id, source="visit").one()
    path = os.path.join(make.app.instance_path, "uploads", visit.extra["photo"])
    assert os.path.isfile(path)
    owner = make.facilitator_client(d.owner)
    url = f"/console/d/{d.id}/photo/{visit.id}.jpg"
    assert owner.get(url).mimetype == "image/jpeg"
    assert phone.get(url).status_code != 200  # a participant never gets it
    def photos_in_report():
        model = build_report(db.session, db.session.get(Dialogue, d.id), lang="fi")
        walk = next(s for s in model["steps"] if s["kind"] == "stations")
        return model, walk["stations"]["stations"][1]
    assert len(photos_in_report()[1]["photos"]) == 1
    ack = staff.emit("act", "set_hidden", {"contribution_id": visit.id, "hidden": "1", "client_id": cid()},
                     callback=True)
    assert ack["ok"], ack
    model, service = photos_in_report()
    assert service["photos"] == [] and service["criteria"][0]["count"] == 1  # its rating still counts
    assert render(model, "pdf").startswith(b"%PDF")
    with db.write() as s:
        purge_dialogue(s, s.get(Dialogue, d.id))
    assert not os.path.exists(path)


def test_the_facilitator_writes_the_route_and_criteria_in_the_step_editor(make):
    d, step, staff = _walk(make)
    owner = make.facilitator_client(d.owner)
    form = owner.get(f"/console/d/{d.id}/steps/{step.id}").get_data(as_text=True)
    assert 'name="cfg_stations"' in form and "Bussipysäkki | Linja-auto keskustaan | Torikatu 3" in form
    ack = staff.emit("act", "update_step", {"step_id": step.id, "client_id": cid(), "title_fi": "Kävely",
                                            "cfg_stations": "Kirjasto | Lainaus ja koneet | Kirjastokatu 1\nTori",
                                            "cfg_criteria": "Löytyy helposti\nTuntuu turvalliselta"},
                     callback=True)
    assert ack["ok"], ack
    page = make.participant_client(d).get(f"/p/{d.code}?station={station_code('Kirjasto')}").get_data(as_text=True)
    assert "Asema 1: Kirjasto" in page and "Kirjastokatu 1" in page and "Löytyy helposti" in page
    assert "Bussipysäkki" not in page and page.count("Tosi huono") == 2
    bad = staff.emit("act", "update_step", {"step_id": step.id, "client_id": cid(), "title_fi": "Kävely",
                                            "cfg_stations": " | vain kuvaus"}, callback=True)
    assert not bad["ok"] and bad["error"]


def test_once_ratings_are_saved_the_criteria_keep_their_places(make):
    """Ratings are stored by the criterion's place: the editor refuses to reorder, rename or drop
    criteria after the first rating, and still lets the facilitator add one at the end."""
    d, step, staff = _walk(make, criteria=["Löytyy helposti", "Tuntuu turvalliselta"])

    def save(criteria: str) -> dict:
        return staff.emit("act", "update_step", {"step_id": step.id, "client_id": cid(), "title_fi": "Kävely",
                                                 "cfg_criteria": criteria}, callback=True)

    assert save("Tuntuu turvalliselta\nLöytyy helposti")["ok"]  # nothing rated yet: any change
    assert save("Löytyy helposti\nTuntuu turvalliselta")["ok"]
    phone = make.participant_client(d)
    assert _visit(phone, d, step, station_code("Palvelupiste"), rating_0="5", rating_1="1").status_code == 303
    refused = save("Tuntuu turvalliselta\nLöytyy helposti")
    assert not refused["ok"] and "stay as they are" not in refused["error"] and "Löytyy helposti, Tuntuu turvalliselta" in refused["error"]
    assert not save("Löytyy helposti")["ok"]
    assert save("Löytyy helposti\nTuntuu turvalliselta\nOn esteetön")["ok"]
    db.session.expire_all()
    assert db.session.get(type(step), step.id).config["criteria"] == [
        "Löytyy helposti", "Tuntuu turvalliselta", "On esteetön"]


def test_a_visited_station_keeps_its_name_on_the_route(make):
    """Answers are stored by the station's code, made from its name: once a station has answers
    it stays on the route under its name; its description, the other stations and new ones change freely."""
    d, step, staff = _walk(make)

    def save(route: list[str]) -> dict:
        return staff.emit("act", "update_step", {"step_id": step.id, "client_id": cid(), "title_fi": "Kävely",
                                                 "cfg_stations": "\n".join(route)}, callback=True)

    phone = make.participant_client(d)
    assert _visit(phone, d, step, station_code("Palvelupiste"), works="Ovi aukeaa itsestään").status_code == 303
    refused = save(["Bussipysäkki", "Asiakaspalvelu | Ovi ja neuvonta", "Odotustila"])
    assert not refused["ok"] and "Palvelupiste" in refused["error"]
    assert not save(["Bussipysäkki", "Odotustila"])["ok"]
    assert save(["Palvelupiste | Uusi ovi ja neuvonta", "Odotustila", "Kirjasto"])["ok"]
    page = phone.get(f"/p/{d.code}?station={station_code('Palvelupiste')}").get_data(as_text=True)
    assert "Uusi ovi ja neuvonta" in page and "Ovi aukeaa itsestään" in page
