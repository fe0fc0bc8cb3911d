"""Opinion-group benchmark: time on synthetic stance data, agreement with Pol.is on real data.

    python tests/load/bench_opinion_groups.py
    python tests/load/bench_opinion_groups.py --participants 2000 --statements 300 --repeat 3

Synthetic: participants in a few hidden camps vote on statements, each seeing a random
share of them (like Pol.is, nobody sees everything); prints the time of
`find_opinion_groups` (best and median of --repeat runs), the groups found and how well
they recover the camps (adjusted Rand index).

Real: for each Pol.is conversation in shared/data/polis (beside the repository), prints
the number of groups found and published, and the adjusted Rand index against the
published groups over the participants both clustered. Figures only, no assertions.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from dialogue.synthesis.opinion import find_opinion_groups
from dialogue.synthesis.polis_io import read_polis_export

DATA = ROOT.parent / "shared" / "data" / "polis"
REAL = ["canadian-electoral-reform", "scoop-hivemind.taxes", "brexit-consensus"]


def synthetic(participants: int, statements: int, camps: int, seen: float, seed: int = 1):
    """Votes from `camps` hidden camps; each camp leans agree or disagree on each statement."""
    rng = np.random.default_rng(seed)
    camp = rng.integers(0, camps, participants)
    lean = rng.choice([-1, 1], size=(camps, statements))
    votes = []
    for p in range(participants):
        shown = np.flatnonzero(rng.random(statements) < seen)
        for s in shown:
            r = rng.random()
            value = lean[camp[p], s] if r < 0.7 else (-lean[camp[p], s] if r < 0.85 else 0)
            votes.append((p, int(s), int(value)))
    return votes, camp


def bench_synthetic(args) -> None:
    votes, camp = synthetic(args.participants, args.statements, args.camps, args.seen)
    times, result = [], None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = find_opinion_groups(votes, min_group_size=5)
        times.append(time.perf_counter() - start)
    membership = result.membership
    ids = sorted(membership)
    ari = adjusted_rand_score([camp[p] for p in ids], [membership[p] for p in ids])
    print(f"synthetic: {args.participants} participants x {args.statements} statements, "
          f"{len(votes)} votes, {args.camps} camps")
    print(f"  time: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
          f"({args.repeat} runs)")
    print(f"  groups {len(result.groups)} sizes {[g.size for g in result.groups]}, "
          f"clustered {len(membership)}, ARI vs camps {ari:.3f}")


def bench_real() -> None:
    for name in REAL:
        folder = DATA / name
        if not folder.exists():
            print(f"{name}: not found at {folder}")
            continue
        export = read_polis_export(folder)
        start = time.perf_counter()
        result = find_opinion_groups(export.votes + export.rejected_votes,
                                     moderated_out=export.rejected, min_group_size=5)
        took = time.perf_counter() - start
        membership = result.membership
        both = sorted(set(membership) & set(export.groups))
        ari = adjusted_rand_score([export.groups[p] for p in both], [membership[p] for p in both])
        published = len(set(export.groups.values()))
        print(f"{name}: groups {len(result.groups)} (published {published}), "
              f"sizes {[g.size for g in result.groups]}, ARI {ari:.3f} over {len(both)} "
              f"participants (we cluster {len(membership)}, Pol.is {len(export.groups)}), "
              f"{took:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--statements", type=int, default=200)
    parser.add_argument("--camps", type=int, default=3)
    parser.add_argument("--seen", type=float, default=0.6, help="share of statements each participant votes on")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_synthetic(args)
    bench_real()


if __name__ == "__main__":
    main()
