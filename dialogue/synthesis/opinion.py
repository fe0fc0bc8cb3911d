"""Opinion groups and common ground from agree / disagree / pass votes, as Pol.is finds them.

Input is a plain list of votes `(participant, statement, value)` with value 1 agree,
-1 disagree, 0 pass; a statement a participant never saw has no vote. The result says
which opinion groups the participants fall into, what each group thinks differently
from the rest (representative statements), where the groups agree (consensus and
group-informed consensus), where they split (divisive statements), and where each
participant sits on a 2-D picture. No Flask and no database: the app reads the votes,
calls `find_opinion_groups` and renders the result.

The method follows Pol.is (compdemocracy/polis, `math/src/polismath/math/`), so that a
conversation analysed here and in Pol.is tells the same story:

* Votes form a participant x statement matrix with gaps. PCA to two components is
  fitted with each gap filled with the statement's mean vote, so an unseen statement
  neither pulls nor pushes. Each participant is then projected from the votes they
  actually cast and pushed out by sqrt(statements / statements voted on): otherwise
  people who voted little would all bunch up in the middle.
* Only participants who voted on at least min(7, statements) statements are clustered;
  everyone who voted gets coordinates for the picture.
* Clustering has two levels, as in Pol.is: k-means into about 100 base clusters, then
  k-means on the base-cluster centres (weighted by their size) for k = 2..5, keeping the
  k with the best silhouette measured over the base clusters (fewer k while there are
  few base clusters: at most 2 + one per 12). The base level is what makes the choice of
  k agree with Pol.is's published groups; clustering people directly picks a different
  k on some real conversations.
* Pol.is recomputes as votes arrive and remembers: k-means starts from the previous
  clusters, a new k must win four updates in a row, and with fewer than 15 qualifying
  participants it tops them up with the most active ones. This module sees only the
  final votes, so it starts k-means afresh (several seeded k-means++ starts) and keeps
  none of that history; that is why the published groups are matched closely
  (adjusted Rand index about 0.9 on Pol.is's open data) but not exactly.
* Representativeness, consensus and the significance tests are Pol.is's: probabilities
  with +1/+2 pseudo-counts, a one-proportion z-test for "the group mostly agrees" and a
  two-proportion z-test for "the group agrees more than the rest", both at 90 %.

Deterministic: participants and statements are put in a canonical order and k-means has
a fixed seed, so the same votes always give the same groups, whatever their order.
Where Osuva adds to Pol.is (groups smaller than `min_group_size` are suppressed, the
consensus list asks every reported group to lean the same way, divisive statements) the
docstrings below say so.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

AGREE, PASS, DISAGREE = 1, 0, -1

# Pol.is's parameters (conversation.clj, repness.clj, stats.clj).
MIN_VOTES = 7            # a participant is clustered after min(7, statements) votes
BASE_CLUSTERS = 100      # first-level k-means
MAX_GROUPS = 5           # k is chosen from 2..5
Z_90 = 1.2816            # one-sided z at 90 % confidence
TOP = 5                  # statements listed per group and per direction

# k-means has random starts; a fixed seed makes the result repeatable. Several starts
# per k keep an unlucky start from deciding the groups.
SEED = 0
BASE_STARTS = 10
GROUP_STARTS = 10

Key = Hashable


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement on which a group differs from the rest of the participants.

    `direction` is "agree" or "disagree": the group did that clearly more than the rest.
    `n_success` of the group's `n_trials` votes (passes included) went that way;
    `probability` is (n_success + 1) / (n_trials + 2) and `probability_z` the z-score
    that the group mostly went that way. `representativeness` is that probability
    divided by the same probability among everyone else clustered, and
    `representativeness_z` the two-proportion z-score of the difference. `best_agree`
    marks the statement Pol.is puts first so that every group has something it agrees on.
    """
    statement: Key
    direction: str
    n_success: int
    n_trials: int
    probability: float
    probability_z: float
    representativeness: float
    representativeness_z: float
    best_agree: bool = False


@dataclass(frozen=True)
class OpinionGroup:
    """One opinion group: its id (0 is the largest), members and, unless suppressed,
    its representative statements and vote counts per statement (agree, disagree, pass)."""
    id: int
    members: tuple
    size: int
    suppressed: bool
    representative: tuple[RepresentativeStatement, ...] = ()
    votes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement most participants agree (or disagree) with, in every reported group.

    `n_success` of `n_trials` votes by all participants went `direction`;
    `probability` and `z` are Pol.is's consensus statistics over everyone.
    `groups` gives each reported group's probability of voting that way and
    `group_informed` the product of such probabilities over all groups, suppressed ones
    included as in Pol.is (see `group_informed_consensus`).
    """
    statement: Key
    direction: str
    n_success: int
    n_trials: int
    probability: float
    z: float
    group_informed: float
    groups: dict


@dataclass(frozen=True)
class DivisiveStatement:
    """A statement one group clearly agrees with and another clearly disagrees with.

    `divisiveness` is the spread of the groups' net agreement (agree probability minus
    disagree probability), from 0 to 2. `agreeing` and `disagreeing` are the groups that
    significantly lean each way; `agree` and `disagree` each reported group's probabilities.
    """
    statement: Key
    divisiveness: float
    agreeing: tuple[int, ...]
    disagreeing: tuple[int, ...]
    agree: dict
    disagree: dict


@dataclass(frozen=True)
class OpinionGroups:
    """What `find_opinion_groups` found.

    groups: the opinion groups, largest first (ids 0, 1, ...).
    suppressed: ids of groups smaller than `min_group_size`; they are part of the
        clustering and of "the rest", but their own statements and counts are not given.
    consensus: statements with broad agreement, then broad disagreement, across groups.
    divisive: statements that split the groups, most divisive first.
    group_informed_consensus: per statement, the product over all groups (suppressed
        ones included, as in Pol.is) of (agree + 1) / (votes + 2): high only when every
        group tends to agree.
    coordinates: (x, y) for every participant who voted, for a picture.
    clustered: participants who voted enough to be clustered.
    statements: the statements analysed (moderated-out ones left out).
    min_votes: how many votes made a participant count.
    silhouettes: the silhouette score of each k tried.
    explained_variance: the share of the vote variance the two axes show.
    extremity: per statement, how far it lies from the centre of the picture (Pol.is's
        measure of how much a statement separates people).
    """
    groups: tuple[OpinionGroup, ...] = ()
    suppressed: tuple[int, ...] = ()
    consensus: tuple[ConsensusStatement, ...] = ()
    divisive: tuple[DivisiveStatement, ...] = ()
    group_informed_consensus: dict = field(default_factory=dict)
    coordinates: dict = field(default_factory=dict)
    clustered: frozenset = frozenset()
    statements: tuple = ()
    min_votes: int = 0
    silhouettes: dict = field(default_factory=dict)
    explained_variance: tuple[float, float] = (0.0, 0.0)
    extremity: dict = field(default_factory=dict)

    @property
    def membership(self) -> dict:
        """Participant -> group id, for clustered participants."""
        return {member: group.id for group in self.groups for member in group.members}


# --- statistics (Pol.is stats.clj) -----------------------------------------------------

def group_informed_consensus(counts: Iterable[tuple[int, int]]) -> float:
    """Product over groups of (agree + 1) / (votes + 2), from (agree, votes) per group.

    `votes` counts every vote the group cast on the statement, passes included. The +1/+2
    keep an empty group from deciding the product; each group weighs the same whatever
    its size, so a large group cannot outvote a small one.
    """
    product = 1.0
    for agree, votes in counts:
        product *= (agree + 1.0) / (votes + 2.0)
    return product


def _prop_z(success, trials):
    """Pol.is's one-proportion z-score that more than half of the votes succeed."""
    success = np.asarray(success, dtype=float) + 1
    trials = np.asarray(trials, dtype=float) + 1
    return 2 * np.sqrt(trials) * (success / trials - 0.5)


def _two_prop_z(success_in, success_out, trials_in, trials_out):
    """Pol.is's two-proportion z-score that the group succeeds more often than the rest."""
    s1, s2, n1, n2 = (np.asarray(a, dtype=float) + 1
                      for a in (success_in, success_out, trials_in, trials_out))
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / np.sqrt(var)
    # Everyone succeeded: no difference to test (Pol.is returns 0 here too).
    return np.where(var > 0, z, 0.0)


# --- the vote matrix ------------------------------------------------------------------

def _canonical(keys) -> list:
    """Keys in a fixed order, so that the result does not depend on the order of votes."""
    keys = list(keys)
    try:
        return sorted(keys)
    except TypeError:
        return sorted(keys, key=lambda k: (type(k).__name__, repr(k)))


def _matrix(votes, moderated_out):
    """Participants, statements and the vote matrix (NaN where a participant did not vote).

    The last vote of a participant on a statement counts. Moderated-out statements come
    last as columns so that the opinion columns are a plain slice.
    """
    latest: dict = {}
    for participant, statement, value in votes:
        latest[(participant, statement)] = value
    for value in set(latest.values()) - {AGREE, PASS, DISAGREE}:
        raise ValueError(f"vote value must be 1, 0 or -1, not {value!r}")
    participants = _canonical({p for p, _ in latest})
    voted_statements = {s for _, s in latest}
    hidden = set(moderated_out) & voted_statements
    statements = _canonical(voted_statements - hidden)
    columns = statements + _canonical(hidden)
    row = {p: i for i, p in enumerate(participants)}
    col = {s: j for j, s in enumerate(columns)}
    matrix = np.full((len(participants), len(columns)), np.nan)
    if latest:
        rows = np.fromiter((row[p] for p, _ in latest), dtype=np.int64, count=len(latest))
        cols = np.fromiter((col[s] for _, s in latest), dtype=np.int64, count=len(latest))
        matrix[rows, cols] = np.fromiter(latest.values(), dtype=float, count=len(latest))
    return participants, statements, len(hidden), matrix


def _principal_axes(centred: np.ndarray):
    """The two principal axes (2 x statements) and the variance along every axis.

    Eigenvectors of the smaller Gram matrix give the same axes as an SVD of the whole
    matrix, several times faster at a thousand participants (Pol.is iterates towards
    the same axes by power iteration).
    """
    n, m = centred.shape
    if m <= n:
        power, vectors = np.linalg.eigh(centred.T @ centred)
        axes = vectors[:, ::-1][:, :2].T
    else:
        power, vectors = np.linalg.eigh(centred @ centred.T)
        top = vectors[:, ::-1][:, :2]
        axes = (centred.T @ top).T
        norms = np.linalg.norm(axes, axis=1, keepdims=True)
        axes = np.divide(axes, norms, out=np.zeros_like(axes), where=norms > 1e-12)
    power = np.clip(power[::-1], 0.0, None)
    comps = np.zeros((2, m))
    for i in range(min(2, len(power))):
        # An axis without variance is noise from the eigen-solver, not a direction.
        if power[i] > 1e-12 * power.sum():
            comps[i] = axes[i]
    return comps, power


def _project(votes: np.ndarray, hidden: int):
    """PCA to two axes, projecting each participant the Pol.is way.

    `votes` holds the opinion columns only. Returns the coordinates, the share of
    variance per axis and each statement's extremity.
    """
    m = votes.shape[1]
    voted = ~np.isnan(votes)
    mean = np.nanmean(votes, axis=0)
    # A gap filled with the statement's mean is zero once centred: an unseen statement
    # moves nobody, which is what Pol.is's sparsity-aware projection computes.
    centred = np.where(voted, votes, mean) - mean
    comps, power = _principal_axes(centred)
    # An eigenvector's sign is arbitrary; fixing it keeps the picture from flipping.
    for comp in comps:
        big = np.argmax(np.abs(comp))
        if comp[big] < 0:
            comp *= -1
    total = power.sum()
    explained = tuple(float(power[i] / total) if total > 0 and i < len(power) else 0.0
                      for i in range(2))
    # Pol.is keeps moderated-out statements as columns of zeros: they add nothing to
    # the axes but count as statements every participant "voted" on when scaling.
    n_statements = m + hidden
    n_voted = voted.sum(axis=1) + hidden
    scale = np.sqrt(n_statements / np.maximum(n_voted, 1))
    coords = (centred @ comps.T) * scale[:, None]
    # A statement's place: where someone who agreed with it alone would be projected.
    statement_coords = ((1.0 - mean)[:, None] * comps.T) * math.sqrt(n_statements)
    extremity = np.linalg.norm(statement_coords, axis=1)
    return coords, explained, extremity


# --- clustering -----------------------------------------------------------------------

def _base_clusters(points: np.ndarray):
    """Pol.is's first level: about 100 base clusters (labels, centres, sizes).

    With no more distinct positions than that, each distinct position is a base cluster,
    as Pol.is's k-means ends up doing.
    """
    distinct, inverse, counts = np.unique(points, axis=0, return_inverse=True, return_counts=True)
    if len(distinct) <= BASE_CLUSTERS:
        return inverse.ravel(), distinct, counts.astype(float)
    km = KMeans(BASE_CLUSTERS, n_init=BASE_STARTS, random_state=SEED).fit(points)
    labels = km.labels_
    sizes = np.bincount(labels, minlength=BASE_CLUSTERS).astype(float)
    return labels, km.cluster_centers_, sizes


def _group_clusters(points: np.ndarray, max_groups: int):
    """Group labels for `points` (clustered participants) and the silhouette of each k."""
    base_labels, centres, sizes = _base_clusters(points)
    n_base = len(centres)
    if n_base < 2:
        return np.zeros(len(points), dtype=int), {}
    # Pol.is allows more groups only as base clusters accumulate: 2 + one per 12.
    top_k = max(2, min(max_groups, 2 + n_base // 12))
    best = None
    silhouettes: dict[int, float] = {}
    for k in range(2, top_k + 1):
        km = KMeans(k, n_init=GROUP_STARTS, random_state=SEED).fit(centres, sample_weight=sizes)
        labels = km.labels_
        if len(np.unique(labels)) < 2:
            continue
        # Silhouette over base clusters, unweighted, as Pol.is measures it; undefined
        # when every base cluster is its own group.
        if len(np.unique(labels)) < n_base:
            score = float(silhouette_score(centres, labels))
        else:
            score = 0.0
        silhouettes[k] = score
        if best is None or score > best[0]:
            best = (score, labels)
    if best is None:
        return np.zeros(len(points), dtype=int), silhouettes
    return best[1][base_labels], silhouettes


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Group ids by size, largest first; ties by the first member (rows are canonical)."""
    found = np.unique(labels)
    order = sorted(found, key=lambda g: (-(labels == g).sum(), int(np.argmax(labels == g))))
    mapping = {g: i for i, g in enumerate(order)}
    return np.array([mapping[g] for g in labels], dtype=int)


# --- statements -----------------------------------------------------------------------

def _counts(votes: np.ndarray, members: np.ndarray, n_groups: int):
    """Agree, disagree and total votes per group (rows) and statement (columns)."""
    onehot = np.zeros((n_groups, len(members)))
    onehot[members, np.arange(len(members))] = 1.0
    agree = onehot @ (votes == AGREE)
    disagree = onehot @ (votes == DISAGREE)
    total = onehot @ (~np.isnan(votes))
    return agree, disagree, total


def _repness(agree, disagree, total):
    """Pol.is's per-group statistics against the rest of the groups, as arrays [group, statement]."""
    rest_a = agree.sum(axis=0) - agree
    rest_d = disagree.sum(axis=0) - disagree
    rest_n = total.sum(axis=0) - total
    pa = (agree + 1) / (total + 2)
    pd = (disagree + 1) / (total + 2)
    return {
        "na": agree, "nd": disagree, "ns": total, "pa": pa, "pd": pd,
        "pat": _prop_z(agree, total), "pdt": _prop_z(disagree, total),
        "ra": pa / ((rest_a + 1) / (rest_n + 2)),
        "rd": pd / ((rest_d + 1) / (rest_n + 2)),
        "rat": _two_prop_z(agree, rest_a, total, rest_n),
        "rdt": _two_prop_z(disagree, rest_d, total, rest_n),
    }


def _finalize(statement, s: dict, best_agree: bool = False) -> RepresentativeStatement:
    """The more representative side of a statement, agree or disagree (Pol.is's rule).

    The group's best agreement is always given on its agree side: Pol.is picks it for
    agreeing, and finalizing it by the general rule can turn it into "2 of 82 disagreed".
    """
    if best_agree or s["rat"] > s["rdt"]:
        side = ("agree", s["na"], s["pa"], s["pat"], s["ra"], s["rat"])
    else:
        side = ("disagree", s["nd"], s["pd"], s["pdt"], s["rd"], s["rdt"])
    direction, n_success, p, p_z, r, r_z = side
    return RepresentativeStatement(
        statement=statement, direction=direction, n_success=int(n_success),
        n_trials=int(s["ns"]), probability=float(p), probability_z=float(p_z),
        representativeness=float(r), representativeness_z=float(r_z), best_agree=best_agree)


def _metric(rep: RepresentativeStatement) -> float:
    return rep.representativeness * rep.representativeness_z * rep.probability * rep.probability_z


def _select_representative(statements, stats: dict, group: int, top: int):
    """Pol.is's choice of a group's representative statements (repness.clj).

    Statements significant both ways (the group mostly votes that way, and more than the
    rest) qualify; the best of them by representativeness x probability and their
    z-scores are kept. The group's best agreement goes first, so that each group also
    shows something it agrees with; if nothing qualifies, the single best statement is
    shown so that no group is left without one.
    """
    sufficient: list[RepresentativeStatement] = []
    best: RepresentativeStatement | None = None
    best_agree: dict | None = None
    best_agree_statement = None
    for j, statement in enumerate(statements):
        s = {key: float(value[group, j]) for key, value in stats.items()}
        if (s["rat"] > Z_90 and s["pat"] > Z_90) or (s["rdt"] > Z_90 and s["pdt"] > Z_90):
            sufficient.append(_finalize(statement, s))
        if not sufficient and (best is None or max(s["rat"], s["rdt"]) > best.representativeness_z):
            best = _finalize(statement, s)
        if _beats_best_agree(s, best_agree):
            best_agree, best_agree_statement = s, statement
    head = [_finalize(best_agree_statement, best_agree, best_agree=True)] if best_agree else []
    if not sufficient:
        chosen = head or ([best] if best else [])
    else:
        rest = [r for r in sufficient if not (head and r.statement == best_agree_statement)]
        rest.sort(key=lambda r: -_metric(r))  # stable: ties keep statement order
        chosen = (head + rest)[:top]
    return tuple([r for r in chosen if r.direction == "agree"]
                 + [r for r in chosen if r.direction == "disagree"])


def _beats_best_agree(s: dict, current: dict | None) -> bool:
    """Pol.is's running choice of the statement a group agrees with best."""
    if s["na"] == 0 and s["nd"] == 0:
        return False  # nobody in the group took a side
    if current is not None and current["ra"] > 1.0:
        return (s["ra"] * s["rat"] * s["pa"] * s["pat"]
                > current["ra"] * current["rat"] * current["pa"] * current["pat"])
    if current is not None:
        return s["pa"] * s["pat"] > current["pa"] * current["pat"]
    return s["pat"] > Z_90 or (s["ra"] > 1.0 and s["pa"] > 0.5)


def _consensus(statements, votes, agree, disagree, total, reported, top):
    """Pol.is's consensus statements, kept only if every reported group leans the same way.

    Pol.is takes statements most of everyone significantly agrees (disagrees) with;
    with one large group that can hide a smaller group's opposite view, so Osuva also
    asks each reported group's probability of voting that way to exceed one half, and
    ranks by the group-informed product (every group weighs the same).
    """
    everyone_n = (~np.isnan(votes)).sum(axis=0)
    found: list[ConsensusStatement] = []
    for direction, value, group_success in (("agree", AGREE, agree), ("disagree", DISAGREE, disagree)):
        n_success = (votes == value).sum(axis=0)
        p = (n_success + 1) / (everyone_n + 2)
        z = _prop_z(n_success, everyone_n)
        group_p = (group_success + 1) / (total + 2)
        informed = group_p.prod(axis=0) if len(group_p) else np.ones(len(statements))
        candidates = []
        for j, statement in enumerate(statements):
            if not (p[j] > 0.5 and z[j] > Z_90):
                continue
            if any(group_p[g, j] <= 0.5 for g in reported):
                continue
            candidates.append(ConsensusStatement(
                statement=statement, direction=direction, n_success=int(n_success[j]),
                n_trials=int(everyone_n[j]), probability=float(p[j]), z=float(z[j]),
                group_informed=float(informed[j]),
                groups={g: float(group_p[g, j]) for g in reported}))
        candidates.sort(key=lambda c: (-c.group_informed, -c.probability * c.z))
        found.extend(candidates[:top])
    return tuple(found)


def _divisive(statements, stats: dict, reported, top):
    """Statements one reported group significantly agrees with and another significantly
    disagrees with (Osuva's addition; Pol.is shows extremity instead), most divisive first.
    """
    if len(reported) < 2:
        return ()
    found = []
    for j, statement in enumerate(statements):
        agreeing = tuple(g for g in reported
                         if stats["pa"][g, j] > 0.5 and stats["pat"][g, j] > Z_90)
        disagreeing = tuple(g for g in reported
                            if stats["pd"][g, j] > 0.5 and stats["pdt"][g, j] > Z_90)
        if not agreeing or not disagreeing:
            continue
        net = [stats["pa"][g, j] - stats["pd"][g, j] for g in reported]
        found.append(DivisiveStatement(
            statement=statement, divisiveness=float(max(net) - min(net)),
            agreeing=agreeing, disagreeing=disagreeing,
            agree={g: float(stats["pa"][g, j]) for g in reported},
            disagree={g: float(stats["pd"][g, j]) for g in reported}))
    found.sort(key=lambda d: -d.divisiveness)
    return tuple(found[:top])


# --- the whole -------------------------------------------------------------------------

def find_opinion_groups(
    votes: Iterable[tuple[Key, Key, int]],
    *,
    min_group_size: int = 5,
    moderated_out: Iterable[Key] = (),
    max_groups: int = MAX_GROUPS,
    top: int = TOP,
) -> OpinionGroups:
    """Opinion groups, their representative statements and common ground, as Pol.is finds them.

    `votes` are (participant, statement, value) with value 1 agree, -1 disagree, 0 pass;
    keys may be any sortable hashable values and a later vote on the same pair replaces
    an earlier one. Groups smaller than `min_group_size` are suppressed: they still shape
    the clustering, but their statements and counts are not reported, so that nobody can
    read a handful of people's votes from a report.

    `moderated_out` are statements hidden after people voted on them. Pol.is keeps them as
    empty columns: they carry no opinion and are never reported, but votes on them count
    towards the 7 that make a participant count, and they take part in the sparsity
    scaling. Pass them with their votes to get Pol.is's groups.

    `max_groups` bounds k (Pol.is: 5); `top` is how many statements each list keeps.
    """
    # One thread: the matrices are small, and k-means's thread pool costs more than it
    # saves, badly so when the web server or other work keeps the cores busy.
    with threadpool_limits(limits=1):
        return _find(votes, min_group_size, set(moderated_out), max_groups, top)


def _find(votes, min_group_size, moderated_out, max_groups, top) -> OpinionGroups:
    participants, statements, hidden, matrix = _matrix(votes, moderated_out)
    if not statements:
        return OpinionGroups()
    opinion = matrix[:, : len(statements)]
    n_columns = matrix.shape[1]
    min_votes = min(MIN_VOTES, n_columns)
    clustered_rows = np.flatnonzero((~np.isnan(matrix)).sum(axis=1) >= min_votes)

    coords, explained, extremity = _project(opinion, hidden)
    coordinates = {p: (float(x), float(y)) for p, (x, y) in zip(participants, coords)}
    common = {
        "coordinates": coordinates,
        "clustered": frozenset(participants[i] for i in clustered_rows),
        "statements": tuple(statements), "min_votes": min_votes, "explained_variance": explained,
        "extremity": {s: float(e) for s, e in zip(statements, extremity)},
    }
    if len(clustered_rows) == 0:
        return OpinionGroups(**common)

    # Rounded far below anything visible, so that the last bits of floating-point
    # arithmetic (which differ between BLAS builds) cannot steer k-means's choices.
    labels, silhouettes = _group_clusters(np.round(coords[clustered_rows], 9), max_groups)
    labels = _renumber(labels)
    n_groups = int(labels.max()) + 1
    clustered_votes = opinion[clustered_rows]
    agree, disagree, total = _counts(clustered_votes, labels, n_groups)
    stats = _repness(agree, disagree, total)
    suppressed = tuple(g for g in range(n_groups) if (labels == g).sum() < min_group_size)
    reported = [g for g in range(n_groups) if g not in suppressed]

    groups = []
    for g in range(n_groups):
        members = tuple(participants[clustered_rows[i]] for i in np.flatnonzero(labels == g))
        if g in suppressed:
            groups.append(OpinionGroup(id=g, members=members, size=len(members), suppressed=True))
            continue
        counts = {s: (int(agree[g, j]), int(disagree[g, j]), int(total[g, j] - agree[g, j] - disagree[g, j]))
                  for j, s in enumerate(statements)}
        groups.append(OpinionGroup(
            id=g, members=members, size=len(members), suppressed=False,
            # With a single group there is no "rest" for it to differ from.
            representative=_select_representative(statements, stats, g, top) if n_groups > 1 else (),
            votes=counts))

    informed = ((agree + 1) / (total + 2)).prod(axis=0)
    return OpinionGroups(
        groups=tuple(groups),
        suppressed=suppressed,
        consensus=_consensus(statements, opinion, agree, disagree, total, reported, top),
        divisive=_divisive(statements, stats, reported, top),
        group_informed_consensus={s: float(v) for s, v in zip(statements, informed)},
        silhouettes=silhouettes,
        **common,
    )
