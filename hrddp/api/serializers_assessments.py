"""Serializers of assessments (factors, S1–S5, risks, measures) and interventions.

Edits go through ``assessments.services``, as the assessment pages' do (locks, optimistic
``revision``, edit refusals, the models' rules as 400 by field); interventions' actions through
``workflow.apply_intervention``.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from assessments import services, snapshots
from assessments.models import (
    Assessment,
    Factor,
    FactorRating,
    Intervention,
    InterventionTransition,
    Level,
    Measure,
    MeasureType,
    Risk,
    ScopeAnswer,
    ScopeQuestion,
)
from assessments.risk import level_for_score, risk_profile
from assessments.workflow import INTERVENTION_ACTIONS, allowed_intervention_actions
from hrddp.accounts.access import can_read_registry
from hrddp.registry.access import record_view_for

from .fields import CodeRelatedField
from .serializers_record import UnitRecordSerializer, record_data
from .serializers_support import AttemptLogSerializer


class FactorSerializer(serializers.ModelSerializer):
    code = serializers.ChoiceField(choices=Factor.choices)

    class Meta:
        model = FactorRating
        fields = ["code", "rating", "narrative", "evidence"]


class ScopeAnswerSerializer(serializers.ModelSerializer):
    code = serializers.ChoiceField(choices=ScopeQuestion.choices)

    class Meta:
        model = ScopeAnswer
        fields = ["code", "rating", "answer"]


class MeasureSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    measure_type = CodeRelatedField(slug_field="code", queryset=MeasureType.objects.all())
    is_accountability_safeguard = serializers.BooleanField(
        source="measure_type.is_accountability_safeguard", read_only=True
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "measure_type",
            "is_accountability_safeguard",
            "details",
            "responsible",
            "due_date",
            "status",
        ]


class MeasureWriteSerializer(MeasureSerializer):
    """A measure in a risk's ``measures`` on a write: with ``id``, a change to that measure (only
    the fields given), or with ``"remove": true`` its removal; without ``id``, a new measure. A
    measure the list leaves out stays as it is."""

    remove = serializers.BooleanField(
        default=False,
        write_only=True,
        help_text=_("With ``id``: remove this measure."),
    )
    measure_type = CodeRelatedField(
        slug_field="code", queryset=MeasureType.objects.all(), required=False
    )

    class Meta(MeasureSerializer.Meta):
        fields = [*MeasureSerializer.Meta.fields, "remove"]
        extra_kwargs = {name: {"required": False} for name in services.MEASURE_FIELDS}

    def validate(self, attrs):
        if attrs.get("remove") and attrs.get("id") is None:
            raise serializers.ValidationError({"remove": [_("Name the measure to remove by id.")]})
        return attrs


def measure_changes(items):
    """The API's ``measures`` items as ``services.save_risk`` takes them."""
    changes = []
    for item in items:
        item = dict(item)
        if item.pop("remove", False):
            changes.append({"id": item["id"], "delete": True})
        else:
            changes.append(item)
    return changes


class RiskSerializer(serializers.ModelSerializer):
    score = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()
    residual_score = serializers.SerializerMethodField()
    residual_level = serializers.SerializerMethodField()
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "description",
            "factor",
            "likelihood",
            "severity",
            "score",
            "level",
            "residual_likelihood",
            "residual_severity",
            "residual_score",
            "residual_level",
            "measures",
        ]

    @extend_schema_field(serializers.IntegerField())
    def get_score(self, risk):
        return risk.score

    @extend_schema_field(serializers.ChoiceField(choices=Level.choices))
    def get_level(self, risk):
        return level_for_score(risk.score) if risk.score else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_residual_score(self, risk):
        return risk.residual_score

    @extend_schema_field(serializers.ChoiceField(choices=Level.choices, allow_null=True))
    def get_residual_level(self, risk):
        return level_for_score(risk.residual_score) if risk.residual_score else None


class AssessmentSerializer(serializers.ModelSerializer):
    drafter = serializers.SlugRelatedField(slug_field="username", read_only=True)
    factors = FactorSerializer(many=True, read_only=True)
    scope_answers = serializers.SerializerMethodField()
    risks = RiskSerializer(many=True, read_only=True)
    assessed = serializers.BooleanField(
        source="is_rated",
        read_only=True,
        help_text=_("False while no factor is rated and no risk is listed (not assessed yet)."),
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "request",
            "version",
            "status",
            "assessed",
            "drafter",
            "revision",
            "recommendation",
            "rationale",
            "risk_of_not_supporting",
            "monitoring_plan",
            "perceptions_consulted",
            "factors",
            "scope_answers",
            "risks",
            "submitted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ScopeAnswerSerializer(many=True))
    def get_scope_answers(self, assessment):
        """S1–S5, for an extended-scope request only (as the assessment page)."""
        if not assessment.request.is_extended_scope:
            return []
        return ScopeAnswerSerializer(assessment.scope_answers.all(), many=True).data


class RiskLevelsSerializer(serializers.Serializer):
    floor = serializers.ChoiceField(choices=Level.choices, allow_null=True)
    floor_reasons = serializers.ListField(child=serializers.CharField())
    assessed = serializers.BooleanField(
        help_text=_(
            "False while no factor is rated and no risk is listed: inherent and residual are "
            "then null (not assessed yet), not low."
        )
    )
    inherent = serializers.ChoiceField(choices=Level.choices, allow_null=True)
    inherent_reasons = serializers.ListField(child=serializers.CharField())
    residual = serializers.ChoiceField(choices=Level.choices, allow_null=True)
    residual_reasons = serializers.ListField(child=serializers.CharField())


class SnapshotSerializer(serializers.Serializer):
    taken_at = serializers.DateTimeField()
    as_of = serializers.DateField(help_text=_("The date the records were read as of."))
    risk_levels = RiskLevelsSerializer()
    records = UnitRecordSerializer(
        many=True,
        help_text=_(
            "Each recipient's record as it stood then; each route a page at a time "
            "(u<unit id>-<route>_page), registry readers only; a snapshot keeps no attributions."
        ),
    )


class ChangeListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    violations = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_("The newest ids (registry readers only)."),
    )


class UnitChangesSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    new = ChangeListSerializer()
    reverified = ChangeListSerializer()
    discounted = ChangeListSerializer()
    removed = ChangeListSerializer()


class LevelChangeSerializer(serializers.Serializer):
    snapshot = serializers.ChoiceField(choices=Level.choices, allow_null=True)
    live = serializers.ChoiceField(choices=Level.choices, allow_null=True)


class SinceDecisionSerializer(serializers.Serializer):
    floor = LevelChangeSerializer(allow_null=True)
    inherent = LevelChangeSerializer(allow_null=True)
    units = UnitChangesSerializer(many=True)


def _levels(profile):
    return {
        "floor": profile.floor or None,
        "floor_reasons": [str(r) for r in profile.floor_reasons],
        "assessed": profile.assessed,
        "inherent": profile.shown_inherent,
        "inherent_reasons": [str(r) for r in profile.inherent_reasons],
        "residual": profile.shown_residual,
        "residual_reasons": [str(r) for r in profile.residual_reasons],
    }


class AssessmentDetailSerializer(AssessmentSerializer):
    """A version awaiting decision or decided answers with its snapshot (what the manager knew,
    domain.md 4.5) and, apart, what changed in the live record since; a draft, or a version
    submitted before snapshots were kept (``snapshot`` null), with the live levels."""

    risk_levels = serializers.SerializerMethodField()
    snapshot = serializers.SerializerMethodField()
    since_decision = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "risk_levels", "snapshot", "since_decision"]
        read_only_fields = fields

    def _frozen(self, assessment):
        """(snapshot, views, since) read once for the three fields."""
        cache = self.__dict__.setdefault("_frozen_cache", {})
        if assessment.pk not in cache:
            snapshot = since = None
            views = {}
            if snapshots.shows_snapshot(assessment):
                snapshot = snapshots.load(snapshots.latest_snapshot_pk(assessment))
            if snapshot is not None:
                user = self.context["request"].user
                views = {r.unit: record_view_for(user, r.unit) for r in snapshot.records}
                full = [r for r in snapshot.records if views[r.unit] == "full"]
                snapshots.load_snapshot_pages(
                    full,
                    self.context["request"].query_params,
                    prefix=lambda record: f"u{record.unit.pk}-",
                )
                snapshots.load_snapshot_summaries(
                    [r for r in snapshot.records if views[r.unit] != "full"]
                )
                since = snapshots.since(snapshot, assessment, views)
            cache[assessment.pk] = (snapshot, views, since)
        return cache[assessment.pk]

    @extend_schema_field(RiskLevelsSerializer())
    def get_risk_levels(self, assessment):
        """Record floor, inherent and residual risk, each with the reasons that set it: as
        submitted for decision when the version has a snapshot."""
        snapshot, _views, _since = self._frozen(assessment)
        return _levels(snapshot.profile if snapshot else risk_profile(assessment))

    @extend_schema_field(SnapshotSerializer(allow_null=True))
    def get_snapshot(self, assessment):
        """What the version showed when submitted for decision; null for a draft, or a version
        submitted before snapshots were kept."""
        snapshot, views, _since = self._frozen(assessment)
        if snapshot is None:
            return None
        return {
            "taken_at": snapshot.taken_at,
            "as_of": snapshot.as_of,
            "risk_levels": _levels(snapshot.profile),
            "records": [
                record_data(record, views[record.unit] or "summary") for record in snapshot.records
            ],
        }

    @extend_schema_field(SinceDecisionSerializer(allow_null=True))
    def get_since_decision(self, assessment):
        """What changed in the live record since the snapshot (since the submission, for a
        version awaiting decision): the newest of each kind by id, and their number."""
        _snapshot, _views, since = self._frozen(assessment)
        if since is None:
            return None
        return {
            "floor": {"snapshot": since.floor[0], "live": since.floor[1]} if since.floor else None,
            "inherent": {"snapshot": since.inherent[0], "live": since.inherent[1]}
            if since.inherent
            else None,
            "units": [
                {
                    "unit": unit.unit.pk,
                    **{
                        kind: {
                            "count": changes.count,
                            **(
                                {"violations": [c.violation_id for c in changes.items]}
                                if unit.record_view == "full"
                                else {}
                            ),
                        }
                        for kind, changes in unit.changes.items()
                    },
                }
                for unit in since.units
            ],
        }


def require_revision(attrs):
    """Even a partial change names the revision it was made from (optimistic locking)."""
    if "revision" not in attrs:
        raise serializers.ValidationError({"revision": [_("This field is required.")]})


class AssessmentUpdateSerializer(serializers.ModelSerializer):
    """The assessment editor's sections: recommendation, factors F1–F8, the community perceptions
    consulted and, for an extended-scope request, S1–S5. A PATCH saves one section, or one factor
    (``{"revision": 3, "factors": [{"code": "F1", "rating": "high"}]}``), and leaves the rest as
    it was. ``revision`` is the one read: a save on top of someone else's answers 409. Saved by
    ``services.save_main``, whose rules (the models', the perceptions the page offers, S1–S5 only
    on an extended scope) answer 400 by field."""

    revision = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    factors = FactorSerializer(many=True, required=False)
    scope_answers = ScopeAnswerSerializer(many=True, required=False)

    class Meta:
        model = Assessment
        fields = [
            "revision",
            *services.MAIN_FIELDS,
            "perceptions_consulted",
            "factors",
            "scope_answers",
        ]

    def validate(self, attrs):
        require_revision(attrs)
        errors = {}
        for name in ("factors", "scope_answers"):
            # A PATCH makes every nested field optional; an item still says which one it is.
            if any("code" not in item for item in attrs.get(name, [])):
                errors[name] = [_("Each item needs its code.")]
                continue
            codes = [item["code"] for item in attrs.get(name, [])]
            twice = sorted({code for code in codes if codes.count(code) > 1})
            if twice:
                errors[name] = [_("%(code)s is given twice.") % {"code": code} for code in twice]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def save_arguments(self):
        """``services.save_main``'s arguments: what the caller gave, and nothing else."""
        data = self.validated_data

        def by_code(name):
            return {
                item["code"]: {k: v for k, v in item.items() if k != "code"}
                for item in data.get(name, [])
            }

        return {
            "fields": {name: data[name] for name in services.MAIN_FIELDS if name in data},
            "factors": by_code("factors"),
            "scope_answers": by_code("scope_answers"),
            "perceptions": data.get("perceptions_consulted"),
        }


class RiskWriteSerializer(serializers.ModelSerializer):
    """A risk and its measures, saved by ``services.save_risk`` (as the risk page).

    ``measures``, when given, lists changes: an item with ``id`` changes that measure (only the
    fields given), one without adds a measure, and ``{"id": 5, "remove": true}`` removes measure
    5. Removal is explicit: a measure the list leaves out stays as it is. (The risk itself is
    removed with ``DELETE .../risks/{risk_id}/?revision=``.)"""

    revision = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    measures = MeasureWriteSerializer(many=True, required=False)

    class Meta:
        model = Risk
        fields = ["revision", *services.RISK_FIELDS, "measures"]
        extra_kwargs = {
            name: {"min_value": 1, "max_value": 5}
            for name in ("likelihood", "severity", "residual_likelihood", "residual_severity")
        }

    def validate(self, attrs):
        require_revision(attrs)
        errors = {}
        for index, item in enumerate(attrs.get("measures", [])):
            if item.get("id") is None and "measure_type" not in item:
                errors.setdefault("measures", [{} for _item in attrs["measures"]])
                errors["measures"][index] = {"measure_type": [_("This field is required.")]}
        if errors:
            raise serializers.ValidationError(errors)
        # The rules (the models': both residual ratings or neither, a measure's type and party)
        # checked on the values the caller sees, before the service re-checks them under its lock.
        risk = self.instance if self.instance is not None else Risk()
        values = {name: attrs[name] for name in services.RISK_FIELDS if name in attrs}
        if errors := services.risk_errors(risk, values, self.measure_changes(attrs)):
            raise serializers.ValidationError(errors)
        return attrs

    @staticmethod
    def measure_changes(attrs):
        return measure_changes(attrs.get("measures", []))


class InterventionTransitionSerializer(AttemptLogSerializer):
    class Meta(AttemptLogSerializer.Meta):
        model = InterventionTransition


# The latest steps an intervention's own answer carries; ``/interventions/{id}/transitions/``
# pages through them all.
LATEST_TRANSITIONS = 25


@extend_schema_serializer(deprecate_fields=["outcome"])
class InterventionSerializer(serializers.ModelSerializer):
    trigger = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    closed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Intervention
        fields = [
            "id",
            "request",
            "unit",
            "status",
            "opened_on",
            "intercession_due",
            "response_due",
            "overdue",
            "outcome",
            "closed_at",
            "closed_by",
            "trigger",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "outcome": {
                "help_text": _(
                    "Deprecated: notes of the steps taken before interventions had their own "
                    "log, no longer written. The steps are in ``transitions``."
                )
            }
        }

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, intervention):
        return intervention.is_overdue()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "kind": {"type": "string"},
                "detected_at": {"type": "string", "format": "date-time"},
                "violation": {"type": "integer", "nullable": True},
            },
        }
    )
    def get_trigger(self, intervention):
        """What fired it; which violation only for registry readers (as the page)."""
        trigger = intervention.trigger
        data = {"kind": trigger.kind, "detected_at": trigger.detected_at}
        if can_read_registry(self.context["request"].user):
            data["violation"] = trigger.violation_id
        return data


class InterventionActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(INTERVENTION_ACTIONS))
    reason = serializers.CharField(max_length=10000, allow_blank=True, required=False)


class RiskResultSerializer(RiskSerializer):
    assessment_revision = serializers.IntegerField(
        source="assessment.revision",
        read_only=True,
        help_text=_("The assessment's revision after this change: send it with the next one."),
    )

    class Meta(RiskSerializer.Meta):
        fields = [*RiskSerializer.Meta.fields, "assessment_revision"]


@extend_schema_serializer(deprecate_fields=["outcome"])
class InterventionDetailSerializer(InterventionSerializer):
    allowed_actions = serializers.SerializerMethodField()
    transitions = serializers.SerializerMethodField()

    class Meta(InterventionSerializer.Meta):
        fields = [*InterventionSerializer.Meta.fields, "allowed_actions", "transitions"]
        read_only_fields = fields

    @extend_schema_field(InterventionTransitionSerializer(many=True))
    def get_transitions(self, intervention):
        """Its log, newest first: the latest 25 steps, allowed or refused (all of them, paged,
        at ``/interventions/{id}/transitions/``)."""
        rows = intervention.transitions.select_related("actor").order_by("-at", "-id")
        return InterventionTransitionSerializer(rows[:LATEST_TRANSITIONS], many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, intervention):
        user = self.context["request"].user
        return [action.name for action in allowed_intervention_actions(intervention, user)]
