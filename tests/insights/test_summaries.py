"""The summaries behind the insights dashboard: the same figures as the live rules of domain.md
3.1 and 6.3, rebuilt by a task that can run twice or at once, and shown with their time."""

import datetime
import random
import re
import threading

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from hrddp.celery import app
from hrddp.insights import queries, tasks
from hrddp.insights.models import GraveViolationsByInstitutionDay, SummaryRefresh, ViolationsByDay
from hrddp.insights.services import refresh_summaries
from hrddp.insights.views import as_of
from hrddp.registry.models import VerificationStatus, Violation, ViolationCategory
from tests.factories import (
    AssignmentFactory,
    InstitutionFactory,
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    category,
)

from .conftest import END, INSIDE, START

DASHBOARD = reverse("insights:dashboard")
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
FIRST_DAY = datetime.date(2024, 1, 1)


def registry(seed=11, violations=120):
    """A registry where every rule of the count has its case: three institutions, units and
    sub-units, people assigned for a while (ended, open, several at once, in two institutions),
    violations of every category and status over two years, attributed to units, to people, to
    both, to two units of one institution, or to nobody."""
    rng = random.Random(seed)
    institutions = [InstitutionFactory() for _ in range(3)]
    units = []
    for institution in institutions:
        root = UnitFactory(institution=institution)
        units += [root, UnitFactory(parent=root), UnitFactory(parent=root)]
    people = [PersonFactory() for _ in range(8)]
    for person in people:
        for _ in range(rng.randint(0, 3)):
            start = FIRST_DAY + datetime.timedelta(days=rng.randint(-200, 600))
            end = rng.choice([None, start + datetime.timedelta(days=rng.randint(0, 300))])
            AssignmentFactory(person=person, unit=rng.choice(units), start=start, end=end)
    categories = list(ViolationCategory.objects.all())
    for _ in range(violations):
        ViolationFactory(
            date=FIRST_DAY + datetime.timedelta(days=rng.randint(0, 730)),
            category=rng.choice(categories),
            verification_status=rng.choice(list(VerificationStatus)),
            units=rng.sample(units, rng.choice([0, 1, 1, 2])),
            people=rng.sample(people, rng.choice([0, 0, 1, 2])),
        )
    return institutions


PERIODS = [
    (FIRST_DAY, FIRST_DAY + datetime.timedelta(days=730)),
    (datetime.date(2024, 3, 15), datetime.date(2024, 11, 2)),
    (datetime.date(2025, 2, 1), datetime.date(2025, 2, 28)),
    (datetime.date(2024, 7, 4), datetime.date(2024, 7, 4)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [11, 12])
def test_summary_equals_the_live_count_for_any_period(seed):
    registry(seed)

    refresh_summaries()

    for start, end in PERIODS:
        summarised = {
            pk: n for pk, (_name, n) in queries.summarised_grave_by_institution(start, end).items()
        }
        assert summarised == queries.countable_grave_by_institution(start, end)
        assert queries.violations_over_time(start, end) == queries.violations_over_time(
            start, end, live=True
        )
    assert sum(queries.countable_grave_by_institution(*PERIODS[0]).values()) > 0


@pytest.mark.django_db
def test_summary_follows_the_registry_only_when_refreshed(army):
    unit = UnitFactory(institution=army)
    ViolationFactory(units=[unit], date=INSIDE)
    refresh_summaries()
    later = ViolationFactory(units=[unit], date=INSIDE)
    ViolationFactory(units=[unit], date=INSIDE, category=category("looting"))

    assert queries.summarised_grave_by_institution(START, END) == {army.pk: ("Army", 1)}
    assert queries.countable_grave_by_institution(START, END) == {army.pk: 2}

    refresh_summaries()
    assert queries.summarised_grave_by_institution(START, END) == {army.pk: ("Army", 2)}
    (june,) = [m for m in queries.violations_over_time(START, END) if m.month.month == 6]
    assert (june.counts[True, "verified"], june.counts[False, "verified"]) == (2, 1)

    # A status change or a category that stops being grave reaches the summary at its refresh.
    Violation.objects.filter(pk=later.pk).update(verification_status=VerificationStatus.ALLEGED)
    ViolationCategory.objects.filter(code="looting").update(is_grave=True)
    refresh_summaries()
    assert queries.summarised_grave_by_institution(START, END) == {army.pk: ("Army", 2)}
    assert queries.countable_grave_by_institution(START, END) == {army.pk: 2}


@pytest.mark.django_db
def test_seed_demo_leaves_the_summaries_built():
    call_command("seed_demo", scale=0.1, verbosity=0)
    start, end = queries.default_period(timezone.localdate())

    summarised = queries.summarised_grave_by_institution(start, end)

    assert summarised
    assert {pk: n for pk, (_name, n) in summarised.items()} == (
        queries.countable_grave_by_institution(start, end)
    )


# The refresh: twice, at once, from beat


def summary_rows():
    return (
        sorted(
            GraveViolationsByInstitutionDay.objects.values_list("institution", "date", "violations")
        ),
        sorted(
            ViolationsByDay.objects.values_list(
                "date", "is_grave", "verification_status", "violations"
            )
        ),
    )


@pytest.mark.django_db
def test_refresh_run_twice_gives_the_same_figures_and_a_later_time():
    registry(violations=40)

    first = refresh_summaries()
    rows = summary_rows()
    second = refresh_summaries()

    assert summary_rows() == rows
    assert rows[0] and rows[1]
    assert second >= first
    times = dict(SummaryRefresh.objects.values_list("name", "refreshed_at"))
    assert times == {
        "insights_grave_by_institution_day": second,
        "insights_violations_by_day": second,
    }


@pytest.mark.django_db
def test_the_beat_task_refreshes_and_can_run_again(army):
    ViolationFactory(units=[UnitFactory(institution=army)], date=INSIDE)

    first = tasks.refresh_summaries.apply()
    second = tasks.refresh_summaries.apply()

    assert first.successful() and second.successful()
    assert second.result >= first.result
    assert queries.summarised_grave_by_institution(START, END) == {army.pk: ("Army", 1)}


def test_beat_runs_the_refresh_every_few_minutes():
    (entry,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "hrddp.insights.tasks.refresh_summaries"
    ]
    assert entry["schedule"] <= 15 * 60
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_both_succeed_and_agree_with_the_registry():
    try:
        registry(violations=60)
        results, errors = [], []
        barrier = threading.Barrier(2)

        def refresh():
            try:
                barrier.wait()
                results.append(refresh_summaries())
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=refresh) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert errors == [] and len(results) == 2
        start, end = PERIODS[0]
        summarised = {
            pk: n for pk, (_name, n) in queries.summarised_grave_by_institution(start, end).items()
        }
        assert summarised == queries.countable_grave_by_institution(start, end)
        assert SummaryRefresh.objects.get(name="insights_violations_by_day").refreshed_at == max(
            results
        )
    finally:
        # The views are not emptied between tests like tables: leave them as the registry.
        Violation.objects.all().delete()
        refresh_summaries()


@pytest.mark.django_db(transaction=True)
def test_pages_read_the_previous_figures_while_a_refresh_runs(army):
    try:
        ViolationFactory(units=[UnitFactory(institution=army)], date=INSIDE)
        refresh_summaries()
        ViolationFactory(units=[UnitFactory(institution=army)], date=INSIDE)
        refreshing, release = threading.Event(), threading.Event()

        def slow_refresh():
            # The refresh's transaction stays open, its locks held, until the page has read.
            try:
                with transaction.atomic():
                    refresh_summaries()
                    refreshing.set()
                    release.wait(10)
            finally:
                connection.close()

        thread = threading.Thread(target=slow_refresh)
        thread.start()
        assert refreshing.wait(10)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
                during = queries.summarised_grave_by_institution(START, END)
        finally:
            release.set()
            thread.join()

        assert during == {army.pk: ("Army", 1)}
        assert queries.summarised_grave_by_institution(START, END) == {army.pk: ("Army", 2)}
    finally:
        Violation.objects.all().delete()
        refresh_summaries()


# Freshness on the page


def refreshed_at(moment):
    """Refresh the summaries as the registry is now, and date them ``moment`` (the database's
    clock, which dates a refresh, is not the tests' to move)."""
    refresh_summaries()
    SummaryRefresh.objects.update(refreshed_at=moment)


@pytest.mark.django_db
def test_page_shows_the_time_of_the_summary_beside_its_figures(client_for, manager, army):
    ViolationFactory(units=[UnitFactory(institution=army)], date=INSIDE)
    refreshed_at(datetime.datetime(2026, 3, 2, 10, 42, tzinfo=datetime.UTC))
    ViolationFactory(units=[UnitFactory(institution=army)], date=INSIDE)

    with time_machine.travel(datetime.datetime(2026, 3, 2, 16, 5, tzinfo=datetime.UTC)):
        response = client_for(manager).get(DASHBOARD, PERIOD)

    page = response.content.decode()
    # The figure is the summary's (one violation), and says from when.
    assert [row.countable_grave_violations for row in response.context["impartiality"]] == [1]
    assert as_of_text(page, "impartiality-as-of") == "as of 10:42"
    assert as_of_text(page, "violations-as-of") == "as of 10:42"
    assert "(as of 10:42)" in page.split('id="impartiality-chart"')[1]
    assert '<time class="as-of" datetime="2026-03-02T10:42:00+00:00">' in page


@pytest.mark.django_db
def test_stale_summary_shows_its_date_and_time(client_for, manager, army):
    ViolationFactory(units=[UnitFactory(institution=army)], date=INSIDE)
    refreshed_at(datetime.datetime(2026, 2, 27, 9, 5, tzinfo=datetime.UTC))

    with time_machine.travel(datetime.datetime(2026, 3, 2, 16, 5, tzinfo=datetime.UTC)):
        page = client_for(manager).get(DASHBOARD, PERIOD).content.decode()

    assert as_of_text(page, "impartiality-as-of") == "as of 27 Feb 2026, 09:05"


def as_of_text(page, element_id):
    paragraph = page.split(f'id="{element_id}">')[1].split("</p>")[0]
    return re.search(r'<time class="as-of"[^>]*>([^<]*)</time>', paragraph).group(1)


def test_freshness_is_written_in_the_readers_language():
    moment = datetime.datetime(2026, 2, 27, 9, 5, tzinfo=datetime.UTC)
    with translation.override("fr"), timezone.override(datetime.UTC):
        assert str(as_of(moment, datetime.date(2026, 2, 27))) == "état à 09:05"
        assert str(as_of(moment, datetime.date(2026, 3, 2))) == "état au 27 fév. 2026 à 09:05"
        assert str(as_of(None, datetime.date(2026, 3, 2))) == "pas encore calculé"
