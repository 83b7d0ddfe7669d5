"""How well the name matcher (hrddp/registry/names.py) finds people (issue 15, "Quality").

    python benchmarks/name_matching.py [--pairs benchmarks/names/pairs.csv] [--seed N]

Reads the labelled pairs of ``benchmarks/names/pairs.csv`` (built by ``names/build_pairs.py``) and
the distractor names of ``names/distractors.txt``, and reports:

- **recall@5**: every target, the other names of the non-matches and the distractors (not the true
  queries) are filed in an index as the database files them (``names.index_keys``); for each true pair, its query is looked
  up the way ``registry/matching.py`` does it: the people sharing at least one key, the 200 with the
  rarest shared keys first (ORDER BY the sum of 1/number of people with the key, then id), each
  scored by ``names.compare``, kept if at least "possible", best first (ties by id). A hit is the
  true target among the first five;
- **precision** of the pairs scored "likely" or above, over all labelled pairs;
- recall per variant family, the pairs above "likely" per non-match family, and the time of
  parse + compare per pair.

``--seed N`` builds a fresh set with another seed (not the committed one) to check that the figures
do not depend on the committed pairs (no over-fitting to them). ``--more N`` adds N generated
distractors: the source lists are small, so a big N fills the index with true namesakes (same
names, other people) that a query cannot tell from its target; recall@5 falls for that reason.

The goal (issue 15): recall@5 >= 0.97, precision >= 0.90. Pure Python: no database needed.
"""

import argparse
import csv
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "names"))

from hrddp.registry import names  # noqa: E402

SHORTLIST = 200
TOP = 5


def read_pairs(path):
    with open(path, encoding="utf-8") as handle:
        return [
            (row["query"], row["target"], int(row["label"]), row["family"])
            for row in csv.DictReader(handle)
        ]


def read_distractors(path):
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class Index:
    """People filed under their names' keys, as ``PersonNameKey`` files them."""

    def __init__(self, people):
        self.people = people
        self.forms = [names.parse(text) for text in people]
        self.by_key = defaultdict(list)
        self.scoring = 0.0
        self.scored = 0
        for person, form in enumerate(self.forms):
            for key in names.index_keys(form):
                self.by_key[key].append(person)

    def shortlist(self, keys, limit=SHORTLIST):
        weight = Counter()
        for key in keys:
            holders = self.by_key.get(key, ())
            for person in holders:
                weight[person] += 1.0 / len(holders)
        return sorted(weight, key=lambda person: (-weight[person], person))[:limit]

    def candidates(self, text, limit=TOP):
        query = names.parse(text)
        found = []
        shortlisted = self.shortlist(names.index_keys(query))
        started = time.process_time()
        for person in shortlisted:
            score = names.compare(query, self.forms[person]).score
            if names.level(score):
                found.append((score, person))
        found.sort(key=lambda row: (-row[0], row[1]))
        self.scoring += time.process_time() - started
        self.scored += len(shortlisted)
        return found[:limit]


def evaluate(pairs, distractors, *, seed=15, timing=True):
    """The figures of a set: a dict of recall, precision, per-family rows and timing."""
    # The registry: every target, the other names of the non-matches and the distractors; not the
    # true queries themselves (a participant typed in is not yet a person of the registry).
    queries = {query for query, _, label, _ in pairs if label}
    people = sorted({target for _, target, _, _ in pairs})
    people += sorted({query for query, _, label, _ in pairs if not label} - queries)
    people += [text for text in distractors if text not in queries]
    # Ids in no meaningful order: targets and distractors interleaved, as in a registry.
    random.Random(seed).shuffle(people)
    people = list(dict.fromkeys(people))
    index = Index(people)
    position = {text: at for at, text in enumerate(people)}

    found = Counter()
    total = Counter()
    misses = []
    for query, target, label, family in pairs:
        if not label:
            continue
        total[family] += 1
        top = [person for _, person in index.candidates(query)]
        # A query identical to a distractor's name may find that person too; the target is the one
        # that counts.
        if position[target] in top:
            found[family] += 1
        else:
            misses.append((family, query, target))

    scored = [
        (names.compare(names.parse(q), names.parse(t)).score, label, family)
        for q, t, label, family in pairs
    ]
    likely = [(label, family) for score, label, family in scored if score >= names.LIKELY]
    above = Counter(family for label, family in likely if not label)
    negatives = Counter(family for _, _, label, family in pairs if not label)

    cold = warm = 0.0
    if timing:
        names.parse.cache_clear()
        names._PAIRS.clear()
        started = time.perf_counter()
        for query, target, _, _ in pairs:
            names.compare(names.parse(query), names.parse(target))
        cold = (time.perf_counter() - started) / len(pairs)
        started = time.perf_counter()
        for query, target, _, _ in pairs:
            names.compare(names.parse(query), names.parse(target))
        warm = (time.perf_counter() - started) / len(pairs)

    return {
        "recall": sum(found.values()) / sum(total.values()),
        "precision": sum(label for label, _ in likely) / len(likely) if likely else 0.0,
        "families": {family: (found[family], total[family]) for family in total},
        "false_likely": {family: (above[family], negatives[family]) for family in negatives},
        "misses": misses,
        "people": len(people),
        "cold_us": cold * 1e6,
        "warm_us": warm * 1e6,
        "likely_true": sum(label for label, _ in likely),
        "scoring_ms": index.scoring / max(sum(total.values()), 1) * 1e3,
        "scored": index.scored / max(sum(total.values()), 1),
        "true": sum(total.values()),
    }


def report(figures, *, show_misses=0):
    print(f"people in the index: {figures['people']}")
    print(f"recall@{TOP}: {figures['recall']:.3f}  (goal >= 0.97)")
    print(f"precision >= likely ({names.LIKELY:g}): {figures['precision']:.3f}  (goal >= 0.90)")
    print(f"true pairs scored likely: {figures['likely_true']}/{figures['true']}")
    print("recall per family:")
    for family, (hit, count) in sorted(figures["families"].items()):
        print(f"  {family:28} {hit / count:.3f}  ({hit}/{count})")
    print("non-matches scored likely:")
    for family, (above, count) in sorted(figures["false_likely"].items()):
        print(f"  {family:28} {above}/{count}")
    print(
        f"parse + compare per pair: {figures['cold_us']:.1f} µs cold, {figures['warm_us']:.1f} µs cached"
    )
    print(
        f"scoring a query's shortlist ({figures['scored']:.0f} names on average): "
        f"{figures['scoring_ms']:.1f} ms of CPU"
    )
    for family, query, target in figures["misses"][:show_misses]:
        print(f"  missed [{family}] {query!r} -> {target!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=HERE / "names" / "pairs.csv")
    parser.add_argument("--distractors", type=Path, default=HERE / "names" / "distractors.txt")
    parser.add_argument("--seed", type=int, help="evaluate a fresh set built with this seed")
    parser.add_argument("--misses", type=int, default=0, help="print this many missed pairs")
    parser.add_argument(
        "--more",
        type=int,
        default=0,
        help="add this many generated distractors (a bigger registry)",
    )
    args = parser.parse_args()
    if args.seed is not None:
        import build_pairs

        pairs, distractors = build_pairs.build(args.seed)
        pairs = [(q, t, label, family) for q, t, label, family in pairs]
        print(f"fresh set, seed {args.seed}")
    else:
        pairs, distractors = read_pairs(args.pairs), read_distractors(args.distractors)
    if args.more:
        import build_pairs

        distractors = distractors + build_pairs.distractors(random.Random(args.more), args.more)
    figures = evaluate(pairs, distractors)
    report(figures, show_misses=args.misses)
    return 0 if figures["recall"] >= 0.97 and figures["precision"] >= 0.90 else 1


if __name__ == "__main__":
    sys.exit(main())
