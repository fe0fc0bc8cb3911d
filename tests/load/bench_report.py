"""Report benchmark: a dialogue of 1,000 participants and 5,000 contributions, as PDF and DOCX.

    python tests/load/bench_report.py
    python tests/load/bench_report.py --participants 2000 --contributions 10000 --repeat 3

Builds the dialogue on a fresh SQLite file (the ideakierros method: its two prompt steps
share the contributions; a dot vote on 10 items where every participant spends 5 dots),
then times building the report model and rendering each format, as the console's export
does. Prints seconds (best of --repeat) and sizes; asserts nothing about timing.
"""
from __future__ import annotations

import argparse
import json
import random
from collections import Counter
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from dialogue import activities, create_app, db  # noqa: E402
from dialogue.actors import hash_token, new_token  # noqa: E402
from dialogue.auth.accounts import create_facilitator  # noqa: E402
from dialogue.commands.dialogues import create_dialogue  # noqa: E402
from dialogue.export.formats import render  # noqa: E402
from dialogue.export.report import build_report  # noqa: E402
from dialogue.models import Base, Contribution, Dialogue, Item, Participant, Step, Vote  # noqa: E402

WORDS = ("bussi kirjasto uimahalli nuoret ikäihmiset puisto valaistus pyörätie koulu kerho kahvila "
         "talvi kesä ilta viikonloppu turvallinen hiljainen yhteinen lähellä kaukana").split()


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 24))).capitalize() + "."


def populate(participants: int, contributions: int, seed: int) -> int:
    """The dialogue, filled with Core inserts (fast); returns its id."""
    rng = random.Random(seed)
    owner = create_facilitator("raportti@example.fi", "salasana123")
    d = create_dialogue(owner, "ideakierros", "Raporttikuorma", "fi")
    with db.write() as s:
        dialogue = s.get(Dialogue, d.id)
        dialogue.state = "closed"
        prompts = [st.id for st in s.scalars(select(Step).where(Step.dialogue_id == d.id, Step.kind == "prompt"))]
        last = max(st.position for st in dialogue.steps)
        config = activities.get("dots").clean_config({"dots": 5, "max_per_item": 5, "hide_results": False,
                                                      "items": [f"Kohde {n + 1}" for n in range(10)]})
        dots = Step(dialogue_id=d.id, position=last + 1, kind="dots", config=config,
                    texts={"fi": {"title": "Äänestys", "body": ""}})
        s.add(dots)
        s.flush()
        from dialogue.activities.voting import sync_items
        sync_items(s, dots)
        dots_id = dots.id
    with db.write() as s:
        s.execute(insert(Participant), [{"dialogue_id": d.id, "token_hash": hash_token(new_token())}
                                        for _ in range(participants)])
        people = list(s.scalars(select(Participant.id).where(Participant.dialogue_id == d.id)))
        s.execute(insert(Contribution), [{"dialogue_id": d.id, "step_id": prompts[n % len(prompts)],
                                          "participant_id": rng.choice(people), "source": "participant",
                                          "text": sentence(rng), "extra": {}}
                                         for n in range(contributions)])
        items = list(s.scalars(select(Item.id).where(Item.step_id == dots_id)))
        # Five dots each, on up to five items (one vote row per item, its value the dots).
        rows = []
        for p in people:
            for item, value in Counter(rng.choice(items) for _ in range(5)).items():
                rows.append({"step_id": dots_id, "item_id": item, "participant_id": p, "value": value})
        s.execute(insert(Vote), rows)
    return d.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--contributions", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--formats", default="pdf,docx")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="osuva-report-") as tmp:
        app = create_app({"TESTING": True, "INSTANCE_PATH": Path(tmp), "SECRET_KEY": "bench",
                          "DATABASE_URL": f"sqlite:///{tmp}/report.sqlite3", "PUBLIC_URL": "http://osuva.test",
                          "ASYNC_MODE": "threading", "AUTO_MIGRATE": False})
        Base.metadata.create_all(db.engine)
        result: dict = {"participants": args.participants, "contributions": args.contributions}
        with app.test_request_context("/"):
            t = time.perf_counter()
            dialogue_id = populate(args.participants, args.contributions, args.seed)
            result["populate_s"] = round(time.perf_counter() - t, 2)
            for fmt in args.formats.split(","):
                best_model = best_render = float("inf")
                size = 0
                for _ in range(args.repeat):
                    db.session.remove()
                    t = time.perf_counter()
                    model = build_report(db.session, db.session.get(Dialogue, dialogue_id))
                    t_model = time.perf_counter()
                    data = render(model, fmt)
                    t_done = time.perf_counter()
                    best_model, best_render = min(best_model, t_model - t), min(best_render, t_done - t_model)
                    size = len(data)
                result[fmt] = {"model_s": round(best_model, 2), "render_s": round(best_render, 2),
                               "total_s": round(best_model + best_render, 2), "bytes": size}
        print(json.dumps(result))


if __name__ == "__main__":
    main()
