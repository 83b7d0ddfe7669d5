"""No page lists the registry in a ``<select>`` (issue 11): with more than 200 units, people,
institutions, violations and users, no page of the access matrix, for any persona that may open
it, and no page of the Django admin renders a ``<select>`` with more than 200 ``<option>``s, nor
an admin filter with more than 200 choices. Choosing a record is a picker that searches instead.
"""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.accounts.models import User
from hrddp.community.models import Method, Perception
from hrddp.registry.models import (
    CommandAssignment,
    Institution,
    InstitutionKind,
    Person,
    Unit,
    Violation,
    ViolationCategory,
)
from tests.access.matrix import MATRIX, PERSONAS, expected
from tests.access.test_access_matrix import admin_urls, client_of, fill
from tests.access.world import build_world
from tests.factories import make_request

pytestmark = pytest.mark.django_db

MAX_OPTIONS = 200
MANY = MAX_OPTIONS + 20
# Lists the code defines, which do not grow with the registry: the Django admin's permissions
# (four per model) and django-celery-beat's time zones.
FIXED_LISTS = {("admin", "user_permissions"), ("admin", "permissions"), ("admin", "timezone")}


class SelectCounter(HTMLParser):
    """Counts the ``<option>``s of each ``<select>``, and the choices of each admin filter."""

    def __init__(self):
        super().__init__()
        self.selects, self.filters = [], []
        self._select = self._filter = None
        self._in_filter_sidebar = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = [attrs.get("name") or attrs.get("id"), 0]
            self.selects.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select[1] += 1
        elif attrs.get("id") == "changelist-filter":
            self._in_filter_sidebar = True
        elif tag == "details" and self._in_filter_sidebar:
            self._filter = [attrs.get("data-filter-title"), 0]
            self.filters.append(self._filter)
        elif tag == "a" and self._filter is not None:
            self._filter[1] += 1

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "details":
            self._filter = None


def long_lists(html):
    counter = SelectCounter()
    counter.feed(html)
    return [
        (kind, name, count)
        for kind, found in (("select", counter.selects), ("admin filter", counter.filters))
        for name, count in found
        if count > MAX_OPTIONS
    ]


def add_a_big_registry(world):
    """More than 200 of each registry table (bulk, so that the test stays fast)."""
    institutions = Institution.objects.bulk_create(
        Institution(name=f"Bulk institution {n}", kind=InstitutionKind.POLICE) for n in range(MANY)
    )
    units = Unit.objects.bulk_create(
        Unit(name=f"Bulk unit {n}", institution=institutions[n % 7]) for n in range(MANY)
    )
    people = Person.objects.bulk_create(Person(name=f"Bulk person {n}") for n in range(MANY))
    recipient = world.objects["unit"]
    # Everyone in command of the request's recipient unit: each is a candidate named individual.
    CommandAssignment.objects.bulk_create(
        CommandAssignment(person=person, unit=recipient, start=datetime.date(2020, 1, 1))
        for person in people
    )
    category = ViolationCategory.objects.get(code="torture")
    Violation.objects.bulk_create(
        Violation(
            date=timezone.localdate() - datetime.timedelta(days=n),
            location=f"Village {n}",
            narrative="Bulk.",
            category=category,
        )
        for n in range(MANY)
    )
    User.objects.bulk_create(User(username=f"bulk-user-{n}") for n in range(MANY))
    Perception.objects.create(
        date=timezone.localdate(),
        area="Kanda",
        method=Method.SURVEY,
        population_group="Farmers",
        trust_in_force=3,
        trust_in_mission=3,
        institution=units[0].institution,
        unit=units[0],
    )
    return {"unit": units[0], "person": people[0], "institution": institutions[0]}


@pytest.fixture
def big_world(db):
    world = build_world()
    picked = add_a_big_registry(world)
    draft = make_request(
        world.objects["request@mission"].entity,
        world.users["requester"],
        [world.objects["unit"]],
        title="Draft with many candidates",
    )
    draft.named_individuals.add(picked["person"])
    world.objects.update({f"picked_{key}": value for key, value in picked.items()})
    world.objects["draft@mission"] = draft
    return world


def filled_lists(world):
    """The list pages with each picker filter set: a chosen record is shown, not every record."""
    unit, person = world.objects["picked_unit"], world.objects["picked_person"]
    institution = world.objects["picked_institution"]
    return {
        reverse("registry:unit_list"): {"institution": institution.pk, "parent": unit.pk},
        reverse("registry:person_list"): {"commands": unit.pk},
        reverse("registry:assignment_list"): {"unit": unit.pk, "person": person.pk},
        reverse("registry:violation_list"): {"unit": unit.pk, "person": person.pk},
        reverse("community:perception_list"): {"unit": unit.pk, "institution": institution.pk},
    }


def answers_json(url_name):
    """The API (but its docs page) and the pickers' searches answer JSON, not pages."""
    return url_name.startswith(("api:", "pickers:")) and url_name != "api:docs"


# A persona of the other entity, or the superuser, sees the same forms as their counterpart.
COUNTERPART = {
    "other_requester": "requester",
    "other_hro": "hro",
    "other_manager": "manager",
    "superuser": "administrator",
}


def openers(codes):
    """The personas that open a page, less those whose counterpart opens it too."""
    opening = {persona for persona, code in expected(codes).items() if code == 200}
    return sorted(p for p in opening if COUNTERPART.get(p) not in opening)


def test_no_page_lists_the_registry_in_a_select(big_world):
    pages = []  # (persona, url, query)
    for key, (obj, codes) in sorted(MATRIX.items()):
        target, _, method = key.partition(" ")
        if method or answers_json(target):
            continue
        url = fill(target.split("@")[0], obj, big_world)
        pages += [(persona, url, {}) for persona in openers(codes)]
    for url, query in filled_lists(big_world).items():
        pages += [(persona, url, query) for persona in ("hro", "auditor")]
    draft = big_world.objects["draft@mission"]
    pages.append(("requester", reverse("support:update", args=[draft.pk]), {}))
    pages += [("superuser", url, {}) for url in admin_urls()]

    clients = {persona: client_of(big_world, persona) for persona in PERSONAS}
    too_long, opened = [], 0
    for persona, url, query in pages:
        response = clients[persona].get(url, query)
        if response.status_code != 200 or response.streaming:
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        opened += 1
        area = "admin" if url.startswith("/admin/") else "pages"
        too_long += [
            (persona, url, *found)
            for found in long_lists(response.content.decode())
            if (area, found[1]) not in FIXED_LISTS
        ]
    assert opened > 150, f"only {opened} pages were opened"
    assert not too_long, "\n".join(f"{row}" for row in too_long)
