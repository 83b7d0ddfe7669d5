"""The name matcher (issue 15, §4.6 "across spellings, word orders and scripts"): each variant family
the issue names is matched, different people sharing a name are not "likely", and the committed
evaluation set meets its goals (recall@5 >= 0.97, precision of "likely" >= 0.90).

Pure Python: no database."""

import sys
import time
from pathlib import Path

import pytest

from hrddp.registry import names

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def match(query, candidate):
    return names.compare(names.parse(query), names.parse(candidate))


def findable(query, candidate):
    """The index files the candidate under at least one key the query looks up."""
    return set(names.index_keys(names.parse(query))) & set(names.index_keys(names.parse(candidate)))


def assert_likely(query, candidate, *reasons):
    found = match(query, candidate)
    assert found.score >= names.LIKELY, (query, candidate, found)
    assert names.level(found.score) == "likely"
    for reason in reasons:
        assert reason in found.reasons, (query, candidate, found)
    assert findable(query, candidate), (query, candidate)
    return found


def test_same_spelling_scores_full():
    found = assert_likely("Jean Mbuyi", "Jean Mbuyi", "same_spelling")
    assert found.score == 100


def test_accents_and_case_match():
    assert_likely("BENOIT KABASELE", "Benoît Kabasélé", "script_or_accents")
    assert_likely("moussa traore", "Moussa Traoré", "script_or_accents")
    assert "script_or_accents" not in match("JEAN MBUYI", "Jean Mbuyi").reasons


def test_surname_first_form_matches():
    assert_likely("MBUYI Jean Baptiste", "Jean-Baptiste Mbuyi", "word_order")
    assert_likely("Ivanov, Sergey Petrovich", "Sergey Petrovich Ivanov", "word_order")


def test_word_order_matches():
    assert_likely("Ahmed Mohamed Ali", "Mohamed Ali Ahmed", "word_order")


def test_hyphens_apostrophes_and_spacing_match():
    assert_likely("N'Goy Pierre", "Pierre Ngoy", "spacing")
    assert_likely("Pierre N Goy", "Pierre Ngoy")
    assert_likely("Jean Baptiste Mbuyi", "Jean-Baptiste Mbuyi", "spacing")
    assert_likely("Jeanbaptiste Mbuyi", "Jean-Baptiste Mbuyi", "spacing")
    assert_likely("Abdel-Rahman Osman", "Abdelrahman Osman")


def test_particles_match():
    for spelling in ("Abd al-Rahman", "Abdul Rahman", "Abderrahmane", "Abdurrahman"):
        assert_likely(f"{spelling} Musa", "Abdel Rahman Musa", "particle")
    assert_likely("Abdelrahman Musa", "Abdel Rahman Musa", "spacing")
    assert_likely("Mohamed Ould Ahmed", "Mohamed Ahmed", "particle")
    assert_likely("Iyad Ag Ghaly", "Iyad Ghaly", "particle")
    assert_likely("Omar Al-Bashir", "Omar El Bashir")
    assert_likely("Omar Elbashir", "Omar Al-Bashir")


def test_arabic_transliteration_variants_match():
    for spelling in ("Muhammad", "Mohammed", "Mahamat", "Mohamad", "Mouhamed"):
        assert_likely(f"{spelling} Hassan", "Mohamed Hassan", "transliteration")
    assert_likely("Mohammed Abdel-Rahman", "Muhamad Abderrahmane")
    assert_likely("Youssouf Osman", "Yusuf Uthman", "transliteration")
    assert_likely("Noureddine Khalil", "Nur al-Din Khalil")


def test_swahili_transliteration_variants_match():
    assert_likely("Khamis Shaaban Mwinyi", "Hamisi Shabani Mwinyi", "transliteration")
    assert_likely("Ramazani Athumani", "Ramadhani Athman")


def test_russian_transliteration_variants_match():
    assert_likely("Aleksandr Solovyov", "Alexander Soloviev")
    assert_likely("Wladimir Wolkow", "Vladimir Volkov")


def test_arabic_script_matches_latin_record():
    assert_likely("محمد عبد الرحمن", "Mohamed Abdelrahman", "script_or_accents")
    assert_likely("عثمان منصور", "Othman Mansour")
    assert_likely("أبو بكر عمر", "Aboubakar Oumar")
    assert_likely("نور الدين محمد", "Noureddine Mohamed")


def test_latin_query_matches_arabic_script_record():
    assert_likely("Mahamat Abdallah", "عبد الله محمد", "script_or_accents")
    assert_likely("Aicha Khalid", "عائشة خالد")


def test_cyrillic_script_matches_latin_record_and_back():
    assert_likely("Сергей Иванов", "Sergei Ivanov", "script_or_accents")
    assert_likely("Yevgeny Vasiliev", "Евгений Васильев")
    assert_likely("Щербаков Юрий", "Yuri Shcherbakov")


def test_missing_middle_name_matches():
    assert_likely("Jean Mbuyi", "Jean Mbuyi Kalala", "missing_word")
    assert_likely("Mohamed Ahmed Ali", "Mohamed Ali", "missing_word")
    assert_likely("Sergey Ivanov", "Sergey Petrovich Ivanov", "missing_word")


def test_small_typo_matches():
    assert_likely("Jean Mvuyi", "Jean Mbuyi", "typo")
    assert_likely("Pierre Kabonfo", "Pierre Kabongo", "typo")
    assert_likely("Vladimir Petrovich Shcherfakov", "Vladimir Petrovich Shcherbakov", "typo")
    assert_likely("Zkawadi Msuya", "Zawadi Msuya")


def test_shared_first_name_is_not_likely():
    for other in ("Mohamed Hassan", "Mohamed Ibrahim Yusuf", "Muhammad Idris"):
        assert match("Mohamed Ali", other).score < names.LIKELY
    assert match("Jean-Baptiste Mbuyi", "Jean-Baptiste Kabila").score < names.LIKELY
    assert match("Jean Mbuyi", "Jean Mwamba").score < names.LIKELY
    assert match("Sergey Petrovich Ivanov", "Sergey Ivanovich Petrov").score < names.LIKELY


def test_shared_surname_is_not_likely():
    assert match("Jean Mbuyi", "Pierre Mbuyi").score < names.LIKELY
    assert match("Moussa Traoré", "Awa Traoré").score < names.LIKELY
    assert match("Oleg Ivanov", "Сергей Иванов").score < names.LIKELY


def test_a_lone_first_name_is_not_likely():
    assert match("Mohamed", "Mohamed Ahmed Ali").score < names.LIKELY


def test_empty_names_do_not_match():
    assert match("", "Jean Mbuyi").score == 0
    assert names.level(0) == ""
    assert names.index_keys(names.parse("")) == []


def test_levels_read_the_thresholds():
    assert names.level(names.LIKELY) == "likely"
    assert names.level(names.POSSIBLE) == "possible"
    assert names.level(names.POSSIBLE - 0.1) == ""
    assert names.POSSIBLE < names.LIKELY


def test_every_reason_code_is_documented_and_from_the_set():
    for code in names.REASONS:
        assert f"``{code}``" in names.__doc__
    pairs = [
        ("Jean Mbuyi", "Jean Mbuyi"),
        ("BENOIT Kalala", "Benoît Kalala"),
        ("Mbuyi Jean", "Jean Mbuyi"),
        ("Jean Mbuyi", "Jean Mbuyi Kalala"),
        ("N'Goy Pierre", "Ngoy Pierre"),
        ("Mohamed Ould Ahmed", "Mohamed Ahmed"),
        ("Muhammad Hassan", "Mohamed Hassan"),
        ("Jean Mvuyi", "Jean Mbuyi"),
        ("Jean Mbuyi", "Jean Kabongo"),
    ]
    seen = set()
    for query, candidate in pairs:
        seen.update(match(query, candidate).reasons)
    assert seen <= set(names.REASONS)
    assert seen == set(names.REASONS)


def test_index_keys_are_few_and_short():
    for text in (
        "Abd al-Rahman Mohamed Ahmed Ould Ali Hassan",
        "Jean-Baptiste Mbuyi Kalala",
        "محمد عبد الرحمن",
        "Константин Александрович Кудрявцев",
    ):
        keys = names.index_keys(names.parse(text))
        assert 0 < len(keys) <= 14
        assert all(len(key) <= 40 for key in keys)


@pytest.fixture(scope="module")
def benchmark():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import name_matching
    finally:
        sys.path.remove(str(BENCHMARKS))
    return name_matching


def test_evaluation_set_meets_recall_and_precision_goals(benchmark):
    """The committed set (benchmarks/names/pairs.csv), ranked against its names and the distractors
    as registry/matching.py ranks the database: recall@5 >= 0.97, precision of "likely" >= 0.90."""
    started = time.perf_counter()
    pairs = benchmark.read_pairs(BENCHMARKS / "names" / "pairs.csv")
    distractors = benchmark.read_distractors(BENCHMARKS / "names" / "distractors.txt")
    assert sum(label for *_, label, _ in pairs) >= 500
    assert sum(1 - label for *_, label, _ in pairs) >= 500
    figures = benchmark.evaluate(pairs, distractors, timing=False)
    assert figures["recall"] >= 0.97, figures["misses"][:20]
    assert figures["precision"] >= 0.90
    assert time.perf_counter() - started < 20
