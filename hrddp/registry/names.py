"""Names across spellings and scripts (issue 15): what the screening of participants, the search
and the duplicate queue compare.

Pure functions, no database: a name is parsed once into a :class:`NameForm` (its words in Latin
letters, each with a phonetic key); :func:`index_keys` gives the keys stored in the person-name
index to find candidates fast; :func:`compare` scores a candidate against a query and says why.
The same code runs whatever PostgreSQL is underneath: nothing here needs pg_trgm, unaccent or
fuzzystrmatch, so the embedded server of ``make run`` and the machine's answer alike.

The hard parts come from libraries: anyascii transliterates any script into Latin letters,
jellyfish gives phonetic keys, rapidfuzz measures how close two spellings are.
"""

import re
from dataclasses import dataclass

import jellyfish
from anyascii import anyascii
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

# Particles that belong to the next word: "Abdel Rahman", "Abd al-Rahman" and "Abderrahmane"
# are one name; "El Hadj" and "Elhadj" too.
JOINING_PARTICLES = frozenset({"abd", "abdel", "abdul", "abdal", "abdoul", "abu", "abou", "al", "el"})
# Particles dropped altogether: "van", "de", "bin" do not tell two people apart.
DROPPED_PARTICLES = frozenset({"bin", "ben", "ibn", "ould", "wa", "de", "du", "da", "van", "von"})

WORD = re.compile(r"[a-z0-9]+")

# Above this, a candidate is "likely" the same person; above POSSIBLE, worth a look.
LIKELY = 85.0
POSSIBLE = 70.0


@dataclass(frozen=True)
class NameForm:
    """A name as the matcher sees it."""

    text: str
    words: tuple[str, ...]
    keys: tuple[str, ...]


def latin(text):
    """The name in lower-case Latin letters, accents and scripts aside."""
    return anyascii(text or "").lower().replace("'", "").replace("`", "")


def words(text):
    """The words of a name, particles joined to the word they introduce or dropped."""
    raw = WORD.findall(latin(text))
    result = []
    carry = ""
    for word in raw:
        if word in DROPPED_PARTICLES and len(raw) > 1:
            continue
        if word in JOINING_PARTICLES:
            carry += word
            continue
        result.append(carry + word)
        carry = ""
    if carry:
        result.append(carry)
    return tuple(result)


def key(word):
    """A word's phonetic key: its consonants, by sound."""
    return jellyfish.metaphone(word) or word.upper()


def parse(text):
    found = words(text)
    return NameForm(text=text, words=found, keys=tuple(key(word) for word in found))


def index_keys(form):
    """The keys under which a name is filed in the index: a candidate shares at least one."""
    return sorted(set(form.keys))


def word_similarity(a, b, key_a, key_b):
    """How alike two words are, 0–100: the better of spelling and sound."""
    spelled = fuzz.ratio(a, b)
    sounded = 100.0 if key_a == key_b else fuzz.ratio(key_a, key_b)
    return max(spelled, sounded * 0.95)


@dataclass(frozen=True)
class Comparison:
    score: float
    # Codes of why the names matched: "same_spelling", "word_order", "spelling_variant", ...
    reasons: tuple[str, ...]


def compare(query, candidate):
    """How alike two parsed names are, 0–100, and why."""
    if not query.words or not candidate.words:
        return Comparison(0.0, ())
    if query.words == candidate.words:
        return Comparison(100.0, ("same_spelling",))
    shorter, longer = sorted((query, candidate), key=lambda form: len(form.words))
    used = set()
    scores = []
    positions = []
    for word, word_key in zip(shorter.words, shorter.keys, strict=True):
        best, best_at = 0.0, None
        for at, (other, other_key) in enumerate(zip(longer.words, longer.keys, strict=True)):
            if at in used:
                continue
            similarity = word_similarity(word, other, word_key, other_key)
            if similarity > best:
                best, best_at = similarity, at
        if best_at is not None:
            used.add(best_at)
            positions.append(best_at)
        scores.append(best)
    score = sum(scores) / len(scores)
    missing = len(longer.words) - len(shorter.words)
    reasons = []
    if missing:
        score -= 6.0 * missing
        reasons.append("missing_word")
    if positions != sorted(positions):
        reasons.append("word_order")
    if any(
        Levenshtein.distance(word, longer.words[at]) > 0
        for word, at in zip(shorter.words, positions, strict=False)
    ):
        reasons.append("spelling_variant")
    if latin(query.text) != (query.text or "").lower() or latin(candidate.text) != (
        candidate.text or ""
    ).lower():
        reasons.append("script_or_accents")
    return Comparison(round(max(score, 0.0), 1), tuple(reasons) or ("same_spelling",))


def level(score):
    """'likely', 'possible' or '' for a score."""
    if score >= LIKELY:
        return "likely"
    if score >= POSSIBLE:
        return "possible"
    return ""
