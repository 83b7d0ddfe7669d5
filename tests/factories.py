import datetime

import factory
from django.utils import timezone
from rest_framework.test import APIClient

from hrddp.accounts.models import Entity, Membership, User
from hrddp.api.services import issue_api_token
from hrddp.registry import models as registry
from hrddp.screening.models import Participant
from hrddp.support.models import SupportRequest


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"entity-{n}")
    name = factory.LazyAttribute(lambda o: o.code.upper())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        """``UserFactory(roles=[(entity, "hro"), ...])``"""
        for entity, role in extracted or []:
            Membership.objects.create(user=user, entity=entity, role=role)
        user.save()


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = registry.Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    kind = registry.InstitutionKind.ARMY


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = registry.Unit

    name = factory.Sequence(lambda n: f"Unit {n}")
    institution = factory.LazyAttribute(
        lambda o: o.parent.institution if o.parent else InstitutionFactory()
    )
    parent = None


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = registry.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    rank = "Colonel"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = registry.CommandAssignment

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    start = datetime.date(2020, 1, 1)
    end = None


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def unit_chain(*names):
    """Units each under the one before: ``unit_chain("Brigade", "Battalion", "Company")``."""
    units = []
    for name in names:
        units.append(UnitFactory(name=name, parent=units[-1] if units else None))
    return units


def category(code):
    return registry.ViolationCategory.objects.get(code=code)


class ViolationFactory(factory.django.DjangoModelFactory):
    """``ViolationFactory(units=[u], people=[p], category=category("torture"), ...)``"""

    class Meta:
        model = registry.Violation
        skip_postgeneration_save = True

    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    location = "Kanda"
    narrative = "Narrative of the incident."
    category = factory.LazyFunction(lambda: category("torture"))
    verification_status = registry.VerificationStatus.VERIFIED

    @factory.post_generation
    def units(violation, create, extracted, **kwargs):
        for unit in extracted or []:
            registry.Attribution.objects.create(violation=violation, unit=unit)

    @factory.post_generation
    def people(violation, create, extracted, **kwargs):
        for person in extracted or []:
            registry.Attribution.objects.create(violation=violation, person=person)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = registry.Source

    violation = factory.SubFactory(ViolationFactory)
    kind = registry.SourceKind.WITNESS
    identity = "Amina Witness-Identity"
    contact = "+000 555 0199"
    description = "A resident of the village."


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Request {n}")
    entity = factory.SubFactory(EntityFactory)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def recipient_units(request, create, extracted, **kwargs):
        if extracted:
            request.recipient_units.set(extracted)


def make_request(entity, requester, units, support_types=("logistics",), **fields):
    """A complete draft request from ``requester`` for ``units``."""
    request = SupportRequestFactory(
        entity=entity,
        created_by=requester,
        support_types=list(support_types),
        description=fields.pop("description", "Fuel for patrols."),
        recipient_units=units,
        **fields,
    )
    return request


def complete_assessment(assessment, recommendation="support", scope=True):
    """Rate every factor and answer every extended-scope question, so only the rules remain."""
    from assessments.models import Level

    assessment.factors.update(rating=Level.LOW, narrative="Considered.")
    if scope:
        assessment.scope_answers.update(rating=Level.LOW, answer="Answered.")
    assessment.recommendation = recommendation
    assessment.rationale = "Weighed."
    assessment.risk_of_not_supporting = "Patrols stop; civilians less protected."
    assessment.save()
    return assessment


def add_risk(assessment, likelihood, severity, residual=None, factor="F4", measures=()):
    """``measures``: iterable of (measure type code, status)."""
    from assessments.models import Measure, MeasureType, ResponsibleParty, Risk

    risk = Risk.objects.create(
        assessment=assessment,
        description=f"Risk {likelihood}x{severity}",
        factor=factor,
        likelihood=likelihood,
        severity=severity,
        residual_likelihood=residual[0] if residual else None,
        residual_severity=residual[1] if residual else None,
    )
    for code, status in measures:
        Measure.objects.create(
            risk=risk,
            measure_type=MeasureType.objects.get(code=code),
            responsible=ResponsibleParty.RECIPIENT_AUTHORITY,
            status=status,
        )
    return risk


def active_request(entity, requester, hro, manager, units=None, title=None, prepare=None):
    """A request walked through the real workflow to ``active``: submitted, assessed (``prepare``
    runs on the assessment before submission), approved, policy letter recorded, activated."""
    from django.utils import timezone

    from assessments import workflow
    from hrddp.support.models import Communication, CommunicationKind

    request = make_request(
        entity, requester, units or [UnitFactory()], **({"title": title} if title else {})
    )
    workflow.apply(request.pk, "submit", requester)
    workflow.apply(request.pk, "start_assessment", hro)
    assessment = complete_assessment(workflow.current_assessment(request))
    if prepare:
        prepare(assessment)
    workflow.apply(request.pk, "submit_for_decision", hro)
    workflow.apply(request.pk, "approve", manager, reason="Low risk.")
    Communication.objects.create(
        request=request,
        kind=CommunicationKind.POLICY_NOTIFICATION,
        date=timezone.localdate(),
        counterpart="Chief of Staff",
        summary="Letter.",
        recorded_by=requester,
    )
    workflow.apply(request.pk, "activate", requester)
    request.refresh_from_db()
    return request


def api_client(user):
    """An API client sending a token of ``user`` (None: anonymous), issued as after a sign-in with
    the second factor, which managers and administrators need."""
    client = APIClient()
    if user is not None:
        _token, key = issue_api_token(user, two_factor=True)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    request = factory.SubFactory(SupportRequestFactory)
    name = factory.Sequence(lambda n: f"Participant {n}")
    rank = "Lieutenant"
    created_by = factory.LazyAttribute(lambda participant: participant.request.created_by)


def section_post(assessment, section, revision=None, **fields):
    """What one section of the assessment editor posts, all filled in: a factor ("F1"…"F8"),
    "scope" (S1–S5) or "recommendation". ``revision``: the assessment's current one unless given."""
    from assessments.models import Assessment, ScopeQuestion

    if revision is None:
        revision = Assessment.objects.values_list("revision", flat=True).get(pk=assessment.pk)
    data = {"section": section, "revision": revision}
    if section == "recommendation":
        data |= {
            "main-recommendation": "support_with_conditions",
            "main-rationale": "Fuel keeps patrols protecting the camps running.",
            "main-risk_of_not_supporting": "Patrols stop; the camps are exposed.",
            "main-monitoring_plan": "Monthly visits by the HRO in Kanda.",
        }
    elif section == "scope":
        for code in ScopeQuestion.values:
            data |= {f"{code}-rating": "low", f"{code}-answer": f"Answer to {code}."}
    else:
        data |= {
            f"{section}-rating": "medium",
            f"{section}-narrative": f"Narrative of {section}.",
            f"{section}-evidence": "",
        }
    return data | fields
