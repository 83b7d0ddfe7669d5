"""Risk levels (domain.md 4.4): scores, the record floor, inherent and residual risk, each with why."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from hrddp.policy.models import PolicySettings
from hrddp.registry.models import Unit

# The score and its level are defined beside the levels, on the Risk model (models.py).
from .models import (
    EFFECTIVE_MEASURE_STATUSES,
    LEVEL_ORDER,
    Level,
    is_rated,
    level_for_score,
    risk_score,
)


def highest(levels):
    return max(levels, key=LEVEL_ORDER.__getitem__, default=None)


def at_least(level, threshold):
    return level is not None and LEVEL_ORDER[level] >= LEVEL_ORDER[threshold]


@dataclass(frozen=True)
class Reason:
    """Why a level is what it is, as a msgid and its parameters, rendered in the reader's language
    when shown (``str``). Stored as ``as_data()`` (the snapshot of a version submitted for
    decision), read back with ``from_data``. A parameter may itself be a ``Reason``."""

    msgid: str
    params: dict = field(default_factory=dict)

    def __str__(self):
        text = gettext(self.msgid)
        if not self.params:
            return text
        return text % {key: str(value) for key, value in self.params.items()}

    def __contains__(self, text):
        return text in str(self)

    def __eq__(self, other):
        if isinstance(other, str):
            return str(self) == other
        if isinstance(other, Reason):
            return (self.msgid, self.params) == (other.msgid, other.params)
        return NotImplemented

    def __hash__(self):
        return hash(self.msgid)

    def as_data(self):
        params = {
            key: value.as_data() if isinstance(value, Reason) else value
            for key, value in self.params.items()
        }
        return {"msgid": self.msgid, "params": params}

    @classmethod
    def from_data(cls, data):
        params = {
            key: cls.from_data(value) if isinstance(value, dict) else value
            for key, value in (data.get("params") or {}).items()
        }
        return cls(data["msgid"], params)


@dataclass
class RiskProfile:
    """What a decision needs to know about an assessment, each level with the reasons that set it."""

    records: dict = field(default_factory=dict)
    floor: str | None = None
    floor_reasons: list = field(default_factory=list)
    inherent: str = Level.LOW
    inherent_reasons: list = field(default_factory=list)
    residual: str = Level.LOW
    residual_reasons: list = field(default_factory=list)
    # Read once for the rules that follow (D1, D3, D6), so a page asks the database once.
    policy: object = None
    effective_measures: list | None = None  # agreed or in place, with their types
    # False while nothing is rated (``Assessment.is_rated``): the pages and the API then say
    # "not assessed yet" rather than show a low risk nobody assessed. The rules still read
    # ``inherent`` and ``residual``; a version is submitted for decision only once rated.
    assessed: bool = True

    @property
    def shown_inherent(self):
        """The inherent risk as pages and the API show it: None while not assessed."""
        return Level(self.inherent) if self.assessed else None

    @property
    def shown_residual(self):
        return Level(self.residual) if self.assessed else None

    @property
    def inherent_label(self):
        return self.shown_inherent.label if self.assessed else gettext("Not assessed yet")

    @property
    def residual_label(self):
        return self.shown_residual.label if self.assessed else gettext("Not assessed yet")

    @property
    def has_recent_countable_grave(self):
        return any(record.has_recent_countable_grave for record in self.records.values())


def level_matrix():
    """{likelihood: {severity: level}} for every rating 1–5: the levels ``level_for_score`` gives.
    The assessment editor's script reads this (as JSON) to show a risk's level as it is chosen,
    so the page and the server never disagree."""
    return {
        likelihood: {
            severity: str(level_for_score(risk_score(likelihood, severity)))
            for severity in range(1, 6)
        }
        for likelihood in range(1, 6)
    }


def recipient_records(request, as_of=None, units=None, policy=None):
    """{unit: its record's counts and flags} for the request's recipients, in one query."""
    units = list(request.recipient_units.all() if units is None else units)
    records = Unit.objects.records(units, as_of=as_of, policy=policy)
    return {unit: records[unit.pk] for unit in units}


def record_floor(records):
    """Medium for a recent countable grave violation; high for a recent pattern, or a current
    commander with a countable grave violation at any date."""
    floor, reasons = None, []
    for unit, record in records.items():
        if record.has_pattern:
            floor = Level.HIGH
            reasons.append(
                Reason(
                    gettext_noop(
                        "%(unit)s: %(count)s recent countable grave violations, a pattern (floor high)"
                    ),
                    {"unit": str(unit), "count": str(record.recent_countable_grave_count)},
                )
            )
        elif record.has_recent_countable_grave:
            floor = highest([floor, Level.MEDIUM] if floor else [Level.MEDIUM])
            reasons.append(
                Reason(
                    gettext_noop("%(unit)s: a recent countable grave violation (floor medium)"),
                    {"unit": str(unit)},
                )
            )
        if record.current_commander_has_countable_grave:
            floor = Level.HIGH
            reasons.append(
                Reason(
                    gettext_noop(
                        "%(unit)s: a current commander has a countable grave violation (floor high)"
                    ),
                    {"unit": str(unit)},
                )
            )
    return floor, reasons


def risk_profile(assessment, as_of=None, records=None, policy=None):
    as_of = as_of or timezone.localdate()
    policy = policy or PolicySettings.get_solo()
    if records is None:
        records = recipient_records(assessment.request, as_of=as_of, policy=policy)
    profile = RiskProfile(records=records, policy=policy)
    profile.floor, profile.floor_reasons = record_floor(records)

    risks = list(assessment.risks.all())
    profile.assessed = is_rated(risks, assessment.factors.all())  # as Assessment.is_rated
    # The rules D3 and D6 read the measures from here: from the risks when a page prefetched
    # them (the assessment page), otherwise in one query the first time a rule asks.
    if all("measures" in getattr(risk, "_prefetched_objects_cache", {}) for risk in risks):
        profile.effective_measures = [
            measure
            for risk in risks
            for measure in risk.measures.all()
            if measure.status in EFFECTIVE_MEASURE_STATUSES
        ]
    inherent = [(risk.level, risk) for risk in risks]
    top = highest([level for level, _risk in inherent])
    profile.inherent = highest([lv for lv in (top, profile.floor) if lv]) or Level.LOW
    for level, risk in inherent:
        if level == profile.inherent:
            profile.inherent_reasons.append(
                Reason(
                    gettext_noop("Risk “%(risk)s”: %(l)s × %(s)s = %(score)s"),
                    {
                        "risk": str(risk),
                        "l": risk.likelihood,
                        "s": risk.severity,
                        "score": risk.score,
                    },
                )
            )
    if profile.floor == profile.inherent:
        profile.inherent_reasons.extend(profile.floor_reasons)
    if not risks and not profile.floor:
        profile.inherent_reasons.append(Reason(gettext_noop("No risk listed and no record floor")))

    # Residual: each risk as re-rated after mitigation (a risk not re-rated keeps its own
    # score). The record floor does not apply: measures can bring the level down.
    residual = []
    for risk in risks:
        score = risk.score_after_mitigation
        if risk.residual_score:
            note = Reason(gettext_noop("after mitigation"))
        else:
            note = Reason(gettext_noop("not re-rated"))
        residual.append((level_for_score(score), risk, score, note))
    profile.residual = highest([item[0] for item in residual]) or Level.LOW
    for level, risk, score, note in residual:
        if level == profile.residual:
            profile.residual_reasons.append(
                Reason(
                    gettext_noop("Risk “%(risk)s”: %(score)s, %(note)s"),
                    {"risk": str(risk), "score": score, "note": note},
                )
            )
    if not risks:
        profile.residual_reasons.append(Reason(gettext_noop("No risk listed")))
    return profile
