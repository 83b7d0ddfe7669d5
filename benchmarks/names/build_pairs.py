"""Build the labelled evaluation set of name pairs (issue 15, "Quality") from the small source lists
in ``sources/``: ``pairs.csv`` (query, target, label, family) and ``distractors.txt`` (other
people's names the benchmark files in the index beside the targets).

    python benchmarks/names/build_pairs.py [--seed 15] [--out benchmarks/names]

Deterministic for a given seed. The variants are produced by rules written from naming customs and
transliteration tables (see README.md), never by asking the matcher: a pair is a true match because
both names are renderings of the same person, a non-match because they are different people who
share a first name or a surname.
"""

import argparse
import csv
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"


@dataclass(frozen=True)
class Entry:
    """One name (a row of a source list): its Latin spellings, the first the most common, and its
    original script when it has one."""

    variants: tuple[str, ...]
    script: str = ""
    role: str = ""


def load(name):
    with open(SOURCES / name, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    entries = []
    for row in rows:
        script = row.get("arabic") or row.get("cyrillic") or ""
        entries.append(Entry(tuple(row["latin"].split("|")), script, row["role"]))
    return entries


def by_role(entries, role):
    return [entry for entry in entries if entry.role == role]


ARABIC = load("arabic.csv")
CYRILLIC = load("cyrillic.csv")
CONGOLESE = load("congolese.csv")
SWAHILI = load("swahili.csv")
MALIAN = load("malian.csv")


# A person: a region and the entries of their name in the usual order.
@dataclass(frozen=True)
class Person:
    region: str
    entries: tuple[Entry, ...]


def draw_distinct(rng, pool, count, avoid=()):
    """``count`` different entries of ``pool`` (different rows, so different names)."""
    avoid_keys = {entry.variants[0] for entry in avoid}
    choices = [entry for entry in pool if entry.variants[0] not in avoid_keys]
    return rng.sample(choices, count)


def person(rng, region, *, keep=None, keep_at=0):
    """A random person of ``region``; with ``keep``, ``keep`` is the entry at ``keep_at`` and the
    others are drawn different from it."""
    if region == "arabic":
        given = by_role(ARABIC, "given")
        family = by_role(ARABIC, "family")
        words = draw_distinct(rng, given, 3)
        if rng.random() < 0.25:
            words = [*words[:2], rng.choice(family)]
    elif region == "russian":
        words = [
            rng.choice(by_role(CYRILLIC, "first")),
            rng.choice(by_role(CYRILLIC, "patronymic")),
            rng.choice(by_role(CYRILLIC, "surname")),
        ]
    elif region == "congolese":
        first = rng.choice(by_role(CONGOLESE, "first"))
        surnames = draw_distinct(rng, by_role(CONGOLESE, "surname"), 2)
        words = [first, *surnames[: 1 + (rng.random() < 0.6)]]
    elif region == "swahili":
        firsts = draw_distinct(rng, by_role(SWAHILI, "first"), 2)
        surname = rng.choice(by_role(SWAHILI, "surname"))
        words = [firsts[0], firsts[1], surname] if rng.random() < 0.5 else [firsts[0], surname]
    elif region == "malian":
        firsts = draw_distinct(rng, by_role(MALIAN, "first"), 2)
        surname = rng.choice(by_role(MALIAN, "surname"))
        words = [firsts[0], firsts[1], surname] if rng.random() < 0.3 else [firsts[0], surname]
    else:
        raise ValueError(region)
    if keep is not None:
        at = keep_at if keep_at >= 0 else len(words) - 1
        words[at] = keep
        others = [entry for i, entry in enumerate(words) if i != at]
        if any(entry.variants[0] == keep.variants[0] for entry in others):
            return person(rng, region, keep=keep, keep_at=keep_at)
    return Person(region, tuple(words))


REGIONS = ("arabic", "russian", "congolese", "swahili", "malian")


def spelling(rng, entry, *, common=False):
    return entry.variants[0] if common else rng.choice(entry.variants)


def render(words):
    return " ".join(words)


def latin_words(rng, someone, *, common=False):
    return [spelling(rng, entry, common=common) for entry in someone.entries]


def strip_accents(text):
    return "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )


def case_change(rng, text):
    return rng.choice([text.upper(), text.lower(), text.title()])


# --- The true-match families: two renderings of one person. ---------------------------------


def accents_case(rng):
    while True:
        someone = person(rng, rng.choice(["congolese", "malian"]))
        words = latin_words(rng, someone, common=True)
        text = render(words)
        if text != strip_accents(text):
            break
    other = case_change(rng, strip_accents(text))
    return (other, text) if rng.random() < 0.5 else (text, other)


def surname_first(rng):
    someone = person(rng, rng.choice(["congolese", "russian", "malian", "swahili"]))
    words = latin_words(rng, someone, common=True)
    if someone.region == "congolese":
        # Congolese records: first name, then surname and post-name; lists put the surname(s) first.
        first, rest = words[0], words[1:]
    else:
        first, rest = " ".join(words[:-1]), words[-1:]
    style = rng.randrange(3)
    if style == 0:
        other = f"{' '.join(rest).upper()} {first}"
    elif style == 1:
        other = f"{' '.join(rest)}, {first}"
    else:
        other = f"{' '.join(rest)} {first}"
    return other, render(words)


def word_order(rng):
    someone = person(rng, rng.choice(["arabic", "swahili", "congolese", "russian"]))
    while len(someone.entries) < 3:
        someone = person(rng, someone.region)
    words = latin_words(rng, someone, common=True)
    shuffled = words[:]
    while shuffled == words or shuffled == words[-1:] + words[:-1]:
        rng.shuffle(shuffled)
    return render(shuffled), render(words)


N_PREFIXED = ("N", "M")


def hyphen_apostrophe_spacing(rng):
    kind = rng.randrange(3)
    if kind == 0:
        # Compound French first names: Jean-Baptiste / Jean Baptiste / Jeanbaptiste.
        compound = [e for e in by_role(CONGOLESE, "first") if "-" in e.variants[0]]
        someone = person(rng, "congolese", keep=rng.choice(compound), keep_at=0)
        words = latin_words(rng, someone)
        other = words[:]
        other[0] = words[0].replace("-", rng.choice([" ", ""]))
        if rng.random() < 0.3:
            other = [word.upper() for word in other]
    elif kind == 1:
        # Bantu nasal prefixes written apart: Ngoy / N'Goy / N'goy.
        prefixed = [
            e
            for e in by_role(CONGOLESE, "surname")
            if e.variants[0][0] in N_PREFIXED and e.variants[0][1].lower() not in "aeiouw"
        ]
        someone = person(rng, "congolese", keep=rng.choice(prefixed), keep_at=-1)
        words = latin_words(rng, someone)
        other = words[:]
        name = words[-1]
        other[-1] = name[0] + rng.choice(["'", "’", "-"]) + rng.choice([name[1:], name[1:].title()])
    else:
        # Arabic compounds: Abdel Rahman / Abdel-Rahman / Abdelrahman; Ag Ghaly / Ag-Ghaly.
        compounds = [e for e in ARABIC if " " in e.variants[1] or " " in e.variants[0]]
        entry = rng.choice(compounds)
        spaced = next(v for v in entry.variants if " " in v)
        someone = person(rng, "arabic", keep=entry, keep_at=0)
        words = latin_words(rng, someone, common=True)
        words[0] = spaced
        other = words[:]
        other[0] = spaced.replace(" ", rng.choice(["-", ""]))
    return render(other), render(words)


PARTICLES_BETWEEN = ("bin", "ben", "ould", "wad", "ibn")


def particle(rng):
    kind = rng.randrange(3)
    if kind == 0:
        # A nasab particle between a name and the father's: "Mohamed Ould Ahmed" / "Mohamed Ahmed".
        someone = person(rng, "arabic")
        words = latin_words(rng, someone, common=True)
        other = [words[0], rng.choice(PARTICLES_BETWEEN).title(), *words[1:]]
        if rng.random() < 0.5:
            other = [word.lower() if word.lower() in PARTICLES_BETWEEN else word for word in other]
    elif kind == 1:
        # The article and "servant of" written differently: Abdel Kader / Abd al-Qadir / Abdul Kadir,
        # Al-Bashir / El Bashir / Elbashir.
        pool = [e for e in ARABIC if e.variants[0].lower().startswith(("abd", "al-"))]
        entry = rng.choice(pool)
        at = 0 if entry.role == "given" else -1
        someone = person(rng, "arabic", keep=entry, keep_at=at)
        words = latin_words(rng, someone, common=True)
        first, second = rng.sample(entry.variants, 2)
        words[at] = first
        other = words[:]
        other[at] = second
    else:
        # Tuareg "Ag" (son of): Iyad Ag Ghaly / Iyad Ghaly.
        pool = [e for e in by_role(MALIAN, "surname") if e.variants[0].startswith("Ag ")]
        someone = person(rng, "malian", keep=rng.choice(pool), keep_at=-1)
        words = latin_words(rng, someone, common=True)
        other = words[:]
        other[-1] = words[-1].split(" ", 1)[1]
    return render(other), render(words)


def transliteration(region):
    def family(rng):
        while True:
            someone = person(rng, region)
            if sum(len(entry.variants) > 1 for entry in someone.entries) >= 1:
                break
        words = latin_words(rng, someone)
        other = latin_words(rng, someone)
        while other == words:
            other = latin_words(rng, someone)
        return render(other), render(words)

    family.__name__ = f"transliteration_{region}"
    return family


def script(region):
    def family(rng):
        someone = person(rng, region)
        original = render(entry.script for entry in someone.entries)
        latin = render(latin_words(rng, someone))
        return (original, latin) if rng.random() < 0.6 else (latin, original)

    family.__name__ = f"{region}_script"
    return family


def missing_middle(rng):
    someone = person(rng, rng.choice(REGIONS))
    while len(someone.entries) < 3:
        someone = person(rng, someone.region)
    words = latin_words(rng, someone, common=True)
    shorter = [words[0], *words[2:]]
    return (
        (render(shorter), render(words)) if rng.random() < 0.6 else (render(words), render(shorter))
    )


KEYBOARD = "abcdefghijklmnopqrstuvwxyz"


def typo(rng):
    someone = person(rng, rng.choice(REGIONS))
    words = latin_words(rng, someone, common=True)
    at = rng.choice([i for i, word in enumerate(words) if len(word) >= 4] or [0])
    word = words[at]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        word = word[:i] + word[i + 1 :]
    elif kind == 1:
        word = word[:i] + rng.choice(KEYBOARD) + word[i:]
    elif kind == 2:
        word = word[:i] + rng.choice(KEYBOARD.replace(word[i].lower(), "")) + word[i + 1 :]
    else:
        word = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    other = words[:]
    other[at] = word
    return render(other), render(words)


def combined(rng):
    """Two customs at once: a surname-first list of another transliteration, or the original script
    with a middle name missing."""
    if rng.random() < 0.5:
        someone = person(rng, rng.choice(["arabic", "russian", "swahili"]))
        words = latin_words(rng, someone)
        other = latin_words(rng, someone)
        other = [other[-1].upper(), *other[:-1]]
        return render(other), render(words)
    someone = person(rng, rng.choice(["arabic", "russian"]))
    while len(someone.entries) < 3:
        someone = person(rng, someone.region)
    original = [entry.script for entry in someone.entries]
    original = [original[0], *original[2:]]
    return render(original), render(latin_words(rng, someone))


TRUE_FAMILIES = [
    (accents_case, 60),
    (surname_first, 70),
    (word_order, 60),
    (hyphen_apostrophe_spacing, 70),
    (particle, 70),
    (transliteration("arabic"), 70),
    (transliteration("swahili"), 50),
    (transliteration("russian"), 50),
    (transliteration("malian"), 50),
    (script("arabic"), 70),
    (script("russian"), 50),
    (missing_middle, 60),
    (typo, 70),
    (combined, 50),
]


# --- The hard non-matches: different people who share a name. ------------------------------


def shared_first_name(rng):
    region = rng.choice(REGIONS)
    one = person(rng, region)
    while True:
        two = person(rng, region, keep=one.entries[0], keep_at=0)
        if not {e.variants[0] for e in two.entries[1:]} & {e.variants[0] for e in one.entries[1:]}:
            break
    words = latin_words(rng, one, common=True)
    other = latin_words(rng, two, common=True)
    return render(other), render(words)


def shared_surname(rng):
    region = rng.choice(REGIONS)
    one = person(rng, region)
    while True:
        two = person(rng, region, keep=one.entries[-1], keep_at=-1)
        if len(two.entries) != len(one.entries):
            continue
        if not {e.variants[0] for e in two.entries[:-1]} & {
            e.variants[0] for e in one.entries[:-1]
        }:
            break
    words = latin_words(rng, one, common=True)
    other = latin_words(rng, two, common=True)
    return render(other), render(words)


def shared_name_other_spelling(rng):
    """One shared name, spelled differently or in another script; the rest differs."""
    region = rng.choice(["arabic", "russian", "swahili", "malian"])
    one = person(rng, region)
    at = rng.choice([0, -1])
    while True:
        two = person(rng, region, keep=one.entries[at], keep_at=at)
        rest_one = {e.variants[0] for e in one.entries} - {one.entries[at].variants[0]}
        rest_two = {e.variants[0] for e in two.entries} - {one.entries[at].variants[0]}
        if not rest_one & rest_two:
            break
    words = latin_words(rng, one)
    if region in ("arabic", "russian") and rng.random() < 0.3:
        other = render(entry.script for entry in two.entries)
    else:
        other = render(latin_words(rng, two))
    return other, render(words)


FALSE_FAMILIES = [
    (shared_first_name, 250),
    (shared_surname, 200),
    (shared_name_other_spelling, 150),
]


def distractors(rng, count):
    """Other people's names, as a registry holds them (mostly Latin, a few in their script)."""
    names = []
    for _ in range(count):
        someone = person(rng, rng.choice(REGIONS))
        if someone.region in ("arabic", "russian") and rng.random() < 0.05:
            names.append(render(entry.script for entry in someone.entries))
        else:
            names.append(render(latin_words(rng, someone)))
    return names


def build(seed=15, distractor_count=4000):
    rng = random.Random(seed)
    rows = []
    for family, count in TRUE_FAMILIES:
        for _ in range(count):
            query, target = family(rng)
            rows.append((query, target, 1, family.__name__))
    for family, count in FALSE_FAMILIES:
        for _ in range(count):
            query, target = family(rng)
            rows.append((query, target, 0, family.__name__))
    return rows, distractors(rng, distractor_count)


def write(rows, extra, out):
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "pairs.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["query", "target", "label", "family"])
        writer.writerows(rows)
    (out / "distractors.txt").write_text("\n".join(extra) + "\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    rows, extra = build(args.seed)
    write(rows, extra, args.out)
    print(
        f"{sum(r[2] for r in rows)} true pairs, {sum(1 - r[2] for r in rows)} non-matches, ", end=""
    )
    print(f"{len(extra)} distractors -> {args.out}")


if __name__ == "__main__":
    main()
