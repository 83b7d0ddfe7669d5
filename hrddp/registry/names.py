"""Names across spellings and scripts (issue 15): what the screening of participants, the search
and the duplicate queue compare.

Pure functions, no database: a name is parsed once into a :class:`NameForm`; :func:`index_keys`
gives the keys stored in the person-name index (``PersonNameKey``) to find candidates fast;
:func:`compare` scores a candidate against a query, 0–100, and says why; :func:`level` reads a score
as "likely" or "possible". The same code runs whatever PostgreSQL is underneath: nothing here needs
pg_trgm, unaccent or fuzzystrmatch, so the embedded server of ``make run`` and the machine's answer
alike.

How a name is read:

1. **Script and accents.** anyascii writes any script in Latin letters ("Benoît" → "benoit",
   "Сергей" → "sergey", "محمد" → "mhmd"); case goes. Arabic script carries no short vowels, so a
   name typed in it is marked *vowelless* and compared by its consonants.
2. **Words.** Hyphens, commas and spaces separate words; apostrophes do not ("N'Goy" = "Ngoy"); a
   lone "N" or "M" joins the next word ("N Goy"). Particles: "bin", "ibn", "ould", "wad", "ag"
   (son of), "de", "van" ... are dropped; the article ("al", "el") and "abd", "abu" join the word
   they introduce, and the article inside "Abd al-" is dropped, so "Abdel Rahman",
   "Abd al-Rahman", "Abdul Rahman", "Abderrahmane" and "عبد الرحمن" read alike.
3. **Per word**, three spellings: the word itself; its *normal* spelling, where the usual
   alternatives of French, English and German transliteration collapse (ou/u, kh/h, dj/j, q/k,
   x/ks, y/i, double letters, a final e ...); and its *consonant skeleton* by sound class, which is
   all a vowelless script gives and what the index files (:func:`index_keys`).

How two names compare: every word of one is paired with its most alike word of the other, in any
order (surname-first lists), each pair scored by rapidfuzz on the three spellings; the score is the
mean over the pairs, less a penalty per word left over (a missing middle name costs little, a lone
first name a lot); two adjacent words may be read as one ("Jean Baptiste" / "Jeanbaptiste").

Reason codes (:attr:`Comparison.reasons`), rendered for readers elsewhere; a stable, small set:

- ``same_spelling``      the names are written the same (case aside)
- ``script_or_accents``  one is written in another script or with accents
- ``word_order``         the same words in another order (surname first)
- ``missing_word``       one name has a word the other lacks (a middle name)
- ``spacing``            hyphens, apostrophes or spaces inside the name differ
- ``particle``           particles or articles differ (bin, ould, ag, al-, Abdel/Abd al-/Abdul)
- ``transliteration``    a word is spelled by another transliteration (Mohamed/Muhammad)
- ``typo``               a word differs by a letter or two, beyond transliteration
- ``spelling_variant``   a word is spelled differently in some other way
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import Indel, Levenshtein

# Above this, a candidate is "likely" the same person; above POSSIBLE, worth a look.
LIKELY = 85.0
POSSIBLE = 70.0

REASONS = (
    "same_spelling",
    "script_or_accents",
    "word_order",
    "missing_word",
    "spacing",
    "particle",
    "transliteration",
    "typo",
    "spelling_variant",
)

# Particles dropped when they are not the first word: "son of" and the European ones.
DROPPED_PARTICLES = frozenset(
    {"bin", "ben", "ibn", "bn", "ould", "wuld", "wld", "wad", "ag", "de", "du", "da", "van", "von"}
)
# Particles joined to the word they introduce: the article and "servant of", "father of".
ARTICLES = frozenset({"al", "el", "ul"})
JOINING = frozenset(
    {"abd", "abdel", "abdal", "abdul", "abdoul", "abdil", "abu", "abou", "bu", "bd", "abw", "bw"}
)
# A single letter joined to the next word: Bantu nasal prefixes written apart ("N Goy").
NASAL = frozenset({"n", "m"})

WORD = re.compile(r"[a-z0-9]+")
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
# The Arabic article at the head of a word, and "abd" + article written together.
ARABIC_ABD = re.compile(r"عبد\s*ال?")
ARABIC_ARTICLE = re.compile(r"(^|\s)ال(?=\w\w)")
# "... ad-Din" and "... Allah" close a compound name: "Nasr al-Din", "Dafallah".
ARABIC_DIN = re.compile(r"\s*الدين")
ARABIC_ALLAH = re.compile(r"\s+الله")
# Letters anyascii writes with two letters that read as one elsewhere: "th" (ث) is "s" in the Latin
# forms of the region (Osman, Usman).
ARABIC_LETTERS = str.maketrans({"ث": "س"})
DIN = re.compile(r"(?<=...)(?:[aeiou]{1,2}ld|[aeiou]{0,2}dd|(?<=[lrsj])d)(?:ine?|een|yn)$")
DIN_WORD = re.compile(r"^(?:[aeiou]{1,2}l|[aeiou]{1,2})?d{1,2}(?:ine?|een|yn)$")
ALLAH_WORD = re.compile(r"^(?:[aeiou]{1,2})?llah?$")
SEPARATORS = re.compile(r"[^a-z0-9]+")
MARKS = re.compile(r"[-'’`‘ʼ]")

# After "abd": the article, or the vowel before a doubled (assimilated) consonant, or a link vowel.
ABD_LINK = re.compile(
    r"^(?:[aeiou]{1,2}l(?=..)|[aeiou]{1,2}(?=([b-df-hj-np-tv-z])\1)|[aeiou]{1,2})"
)

# Transliteration alternatives that collapse in the normal spelling, in this order.
NORMAL_STEPS = (
    ("tch", "ch"),
    ("sch", "sh"),
    ("ch", "sh"),
    ("ck", "k"),
    ("dj", "j"),
    ("dh", "d"),
    ("kh", "h"),
    ("gh", "g"),
    ("zh", "j"),
    ("ph", "f"),
    ("th", "s"),
    ("q", "k"),
    ("x", "ks"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("y", "i"),
    ("ei", "ai"),
)
GERMAN_W = re.compile(r"^w(?=[lr])|(?<=[oe])w$")
PATRONYMIC = re.compile(r"[aeiou]v(?:ish|na)$")
VOWELS = re.compile(r"[aeiou]+")
SOFT_C = re.compile(r"c(?=[ei])")
DOUBLE = re.compile(r"(.)\1+")
# The consonant skeleton: each letter's sound class; vowels, h, w and y are dropped.
SKELETON = str.maketrans(
    {
        "a": None,
        "e": None,
        "i": None,
        "o": None,
        "u": None,
        "y": None,
        "w": None,
        "p": "b",
        "v": "f",
        "d": "t",
        "z": "s",
        "c": "k",
        "q": "k",
        "g": "k",
        "x": "k",
    }
)


@dataclass(frozen=True)
class NameForm:
    """A name as the matcher sees it.

    ``words``: its words in lower-case Latin letters, particles handled; ``keys``: each word's
    index key (its consonant skeleton); ``normals`` and ``skeletons``: each word's normal
    spelling and skeleton; ``vowelless``: typed in a script without short vowels (Arabic);
    ``marks``: the hyphens and apostrophes it was written with; ``particles``: those it had."""

    text: str
    words: tuple[str, ...]
    keys: tuple[str, ...]
    normals: tuple[str, ...] = ()
    skeletons: tuple[str, ...] = ()
    vowelless: bool = False
    marks: str = ""
    particles: tuple[str, ...] = ()
    folded: str = ""
    squeezed: str = ""
    spaced: str = ""


def latin(text):
    """The name in lower-case Latin letters, accents and scripts aside."""
    text = text or ""
    if ARABIC.search(text):
        text = ARABIC_ABD.sub("عبد ", text.translate(ARABIC_LETTERS))
        text = ARABIC_ARTICLE.sub(r"\1", ARABIC_ALLAH.sub("الله", ARABIC_DIN.sub("دين", text)))
    if not text.isascii():
        text = anyascii(text)
    return MARKS.sub(_mark, text.lower())


def _mark(found):
    return " " if found.group() == "-" else ""


def _abd(rest):
    """The name after "abd", its article or link vowel dropped: "elkader", "ulkadir" → "kader",
    "kadir"; "errahmane" → "rahmane"."""
    stripped = ABD_LINK.sub("", rest)
    if len(stripped) > 1 and stripped[0] == stripped[1]:
        stripped = stripped[1:]
    return stripped if len(stripped) >= 2 else rest


def split(text, *, written=None):
    """The words of a name and the particles it had (``written``: the name's :func:`latin`)."""
    raw = WORD.findall(latin(text) if written is None else written)
    words, particles = [], []
    carry = ""
    for at, word in enumerate(raw):
        last = at == len(raw) - 1
        if word in NASAL and not last and not carry:
            carry = word
            continue
        if word in DROPPED_PARTICLES and at > 0 and not last and not carry:
            particles.append(word)
            continue
        if (word in JOINING or word in ARTICLES) and not last:
            carry += word
            continue
        article = carry in ARTICLES
        word = carry + word
        carry = ""
        if words and (DIN_WORD.match(word) or ALLAH_WORD.match(word)) and words[-1][:3] != "abd":
            # "Nasr al-Din", "Nasr ad-Din", "Daf Allah": one name.
            if article:
                particles.append("al")
            words[-1] = DIN.sub("din", words[-1] + word)
            continue
        if len(word) > 6:
            joined = DIN.sub("din", word)
            if joined != word and "ld" in word[len(joined) - 3 :]:
                particles.append("al")
            word = joined
        if word.startswith("abd") and len(word) > 4:
            rest = _abd(word[3:])
            if rest != word[3:]:
                particles.append("abd-" + word[3 : len(word) - len(rest)])
            word = "abd" + rest
        elif word.startswith("bd") and len(word) > 3:
            word = "abd" + word[2:]
        elif (article and len(word) > 4) or (word[:2] == "el" and len(word) > 5 and at > 0):
            # "Al-Bashir", "El Bashir", "Elbashir": the article goes, as it does in Arabic script.
            particles.append("al")
            word = word[2:]
        words.append(word)
    if carry:
        words.append(carry)
    return tuple(words), tuple(particles)


def words(text):
    """The words of a name, particles joined to the word they introduce or dropped."""
    return split(text)[0]


@lru_cache(maxsize=65536)
def normal(word, vowelless=False):
    """A word's normal spelling: transliteration alternatives collapsed. In a word read from Arabic
    script, "th" is two letters (ت/ط + ه)."""
    if len(word) > 3 and word[-1] == "h" and (vowelless or word[-2] in "aeiou"):
        # Fatimah, Abdallah; Arabic ة.
        word = word[:-1]
    # German transliteration of Russian: Wladimir, Wolkow, Lebedew.
    word = GERMAN_W.sub("v", word)
    for old, new in NORMAL_STEPS:
        if old == "th" and vowelless:
            continue
        word = word.replace(old, new)
        if old == "ck":
            word = SOFT_C.sub("s", word).replace("c", "k")
    word = DOUBLE.sub(r"\1", word)
    if len(word) > 3 and word[-1] == "e":
        word = word[:-1]
    return word


@lru_cache(maxsize=65536)
def skeleton(word, vowelless=False):
    """A word's consonants by sound class; the index key. A word of vowels keeps its letters."""
    found = DOUBLE.sub(r"\1", normal(word, vowelless).replace("sh", "j").translate(SKELETON))
    return found or word


@lru_cache(maxsize=131072)
def parse(text):
    text = text or ""
    written = latin(text)
    found, particles = split(text, written=written)
    vowelless = bool(ARABIC.search(text))
    skeletons = tuple(skeleton(word, vowelless) for word in found)
    return NameForm(
        text=text,
        words=found,
        keys=skeletons,
        normals=tuple(normal(word, vowelless) for word in found),
        skeletons=skeletons,
        vowelless=vowelless,
        marks="".join(sorted(MARKS.findall(text.replace("’", "'")))),
        particles=tuple(sorted(particles)),
        folded=" ".join(found),
        squeezed=SEPARATORS.sub("", written),
        spaced=SEPARATORS.sub(" ", written).strip(),
    )


def key(word):
    """A word's index key: its consonant skeleton."""
    return skeleton(word)


def index_keys(form):
    """The keys under which a name is filed in the index: a true match shares at least one.

    Each word's skeleton; for a skeleton of three classes or more also its first and last class,
    so a typo inside the word leaves it findable ("Zkawadi" → skt → st, "Zawadi" → st); and each pair
    of the first words' skeletons, rarer than either, so a name sharing two words ranks above those
    sharing one (a common first name, a missing middle name). At most 14 keys, usually 5-9."""
    keys = set()
    for at, key in enumerate(form.keys[:6]):
        keys.add(key[:40])
        if len(key) >= 3 and at < 4:
            keys.add(key[0] + key[-1])
    first = sorted(form.keys[: 4 if len(form.keys) <= 4 else 3])
    for at, key in enumerate(first):
        for other in first[at + 1 :]:
            keys.add(f"{key[:19]}+{other[:20]}")
    return sorted(keys)


@dataclass(frozen=True)
class Comparison:
    score: float
    # Codes of why the names matched (see the module's docstring): "same_spelling", "word_order" ...
    reasons: tuple[str, ...]


def _similarity(word_a, normal_a, skeleton_a, word_b, normal_b, skeleton_b, vowelless):
    """How alike two words are, 0–100, and how they differ: "" (same), "transliteration", "typo"
    or "spelling_variant"."""
    if word_a == word_b:
        return 100.0, ""
    spelled = Indel.normalized_similarity(normal_a, normal_b) * 100
    if normal_a == normal_b:
        return 98.0, "transliteration"
    sounded = Indel.normalized_similarity(skeleton_a, skeleton_b) * 100
    if vowelless:
        # One side has consonants only: they are all there is to compare.
        return (96.0 if sounded == 100 else sounded * 0.9), "transliteration"
    # The skeleton speaks for transliteration (Mohamed/Mahamat), less so when it is short: "Mbuyi"
    # and "Mwamba" are both m-b.
    weight = min(0.5, (len(skeleton_a) - 1) / 6)
    if len(VOWELS.findall(normal_a)) != len(VOWELS.findall(normal_b)):
        # Another number of syllables: Mahmoud is not Mohamed, though both are m-h-m-d.
        weight /= 2
    score = max(spelled, spelled + (sounded - spelled) * weight)
    if (PATRONYMIC.search(normal_a) is None) != (PATRONYMIC.search(normal_b) is None):
        # Ivanovich (son of Ivan) is not Ivanov.
        score = min(score, 60.0)
    if Levenshtein.distance(normal_a, normal_b) <= 2 and Levenshtein.distance(word_a, word_b) <= 2:
        kind = "transliteration" if sounded == 100 else "typo"
    else:
        kind = "transliteration" if sounded == 100 else "spelling_variant"
    return score, kind


# Word pairs already scored, by the scripts of their names: names repeat their words (Mohamed,
# Jean, Ivanov) across a registry.
_PAIRS = {}
_PAIRS_MAX = 500_000


def _word_pair(a, vowelless_a, b, vowelless_b):
    if len(_PAIRS) >= _PAIRS_MAX:
        _PAIRS.clear()
    found = _PAIRS[(a, vowelless_a, b, vowelless_b)] = _similarity(
        a,
        normal(a, vowelless_a),
        skeleton(a, vowelless_a),
        b,
        normal(b, vowelless_b),
        skeleton(b, vowelless_b),
        vowelless_a or vowelless_b,
    )
    return found


def _align(short, long, vowelless_short, vowelless_long):
    """Pair each word of ``short`` with a word of ``long``, most alike first: the mean score, the
    positions paired, and how the paired words differ."""
    get = _PAIRS.get
    table = []
    for i, word in enumerate(short):
        for j, other in enumerate(long):
            if word == other:
                table.append((100.0, -i, -j, ""))
                continue
            found = get((word, vowelless_short, other, vowelless_long))
            if found is None:
                found = _word_pair(word, vowelless_short, other, vowelless_long)
            table.append((found[0], -i, -j, found[1]))
    table.sort(reverse=True)
    size = len(short)
    paired = [-1] * size
    taken = set()
    total = 0.0
    kinds = set()
    for score, i, j, kind in table:
        if paired[-i] >= 0 or j in taken:
            continue
        paired[-i] = -j
        taken.add(j)
        total += score
        if kind:
            kinds.add(kind)
        size -= 1
        if not size:
            break
    return total / len(short), paired, kinds


def _merges(words):
    """The word lists with two adjacent words read as one."""
    return [
        (*words[:at], words[at] + words[at + 1], *words[at + 2 :]) for at in range(len(words) - 1)
    ]


@lru_cache(maxsize=65536)
def _non_ascii(text):
    return frozenset(char for char in text.lower() if not char.isascii() and char.isalpha())


def compare(query, candidate):
    """How alike two parsed names are, 0–100, and why."""
    if not query.words or not candidate.words:
        return Comparison(0.0, ())
    if query.text == candidate.text or (
        query.folded == candidate.folded and query.text.lower() == candidate.text.lower()
    ):
        return Comparison(100.0, ("same_spelling",))
    short, long = query, candidate
    if len(short.words) > len(long.words):
        short, long = long, short
    flags = (short.vowelless, long.vowelless)
    short, long = short.words, long.words
    score, positions, kinds = _align(short, long, *flags)
    reasons = []
    missing = len(long) - len(short)
    if missing:
        penalty = missing * (8.0 if len(short) >= 2 else 25.0)
        merged_best = None
        # Reading two words as one mends one pair at most: skip it when that cannot reach POSSIBLE.
        hopeless = score - penalty + 100.0 / len(short) + 8.0 < POSSIBLE
        for merged in () if hopeless else _merges(long):
            if len(merged) >= len(short):
                merged_score, merged_positions, merged_kinds = _align(short, merged, *flags)
                merged_score -= (len(merged) - len(short)) * (8.0 if len(short) >= 2 else 25.0)
                if merged_best is None or merged_score > merged_best[0]:
                    merged_best = (merged_score, merged_positions, merged_kinds)
        score -= penalty
        if merged_best and merged_best[0] > score + 1:
            score, positions, kinds = merged_best
            reasons.append("spacing")
            if len(long) - 1 > len(short):
                reasons.append("missing_word")
        else:
            reasons.append("missing_word")
    if positions != sorted(positions):
        reasons.append("word_order")
    if "spacing" not in reasons and (
        query.marks != candidate.marks
        or (query.squeezed == candidate.squeezed and query.spaced != candidate.spaced)
    ):
        reasons.append("spacing")
    if query.particles != candidate.particles:
        reasons.append("particle")
    if _non_ascii(query.text) != _non_ascii(candidate.text):
        reasons.append("script_or_accents")
    for kind in ("transliteration", "typo", "spelling_variant"):
        if kind in kinds:
            reasons.append(kind)
    return Comparison(round(min(max(score, 0.0), 100.0), 1), tuple(reasons) or ("same_spelling",))


def level(score):
    """'likely', 'possible' or '' for a score."""
    if score >= LIKELY:
        return "likely"
    if score >= POSSIBLE:
        return "possible"
    return ""
