"""Serializers of support requests, their workflow, communications and the policy settings."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments import stages, workflow
from assessments.models import Transition
from assessments.queries import visible_interventions
from assessments.risk import risk_profile
from hrddp.accounts.models import Entity
from hrddp.policy.models import PolicySettings
from hrddp.registry.models import Person, Unit
from hrddp.support import services
from hrddp.support.models import (
    Communication,
    RequestStatus,
    SupportRequest,
    SupportType,
)

from .exceptions import validation_detail
from .fields import CodeRelatedField

# What a requester writes (the request page's form, whose two lists of types are support_types).
REQUEST_FIELDS = [
    "entity",
    "title",
    "description",
    "recipient_units",
    "named_individuals",
    "location",
    "start",
    "end",
    "value",
    "currency",
    "funding_source",
    "respond_by",
    "urgency",
]


class BlockerSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text=_("D1–D7, or what else blocks (reason, assessment...)."))
    message = serializers.CharField()
    remedy = serializers.CharField(allow_blank=True)


class ActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(workflow.TRANSITIONS))
    label = serializers.CharField()
    needs_reason = serializers.BooleanField()
    fields = serializers.ListField(child=serializers.CharField())
    blockers = BlockerSerializer(many=True)


def blocker_data(blocker):
    return {"rule": blocker.rule, "message": str(blocker.message), "remedy": str(blocker.remedy)}


def action_states(support_request, user):
    """The caller's actions as the request page computes its buttons: enabled ones, and the
    blocked ones with the rules that block them. Also whether approval needs a waiver (D2)."""
    assessment = workflow.current_assessment(support_request)
    profile = risk_profile(assessment) if assessment else None
    allowed, blocked = [], []
    for state in workflow.allowed_actions(
        support_request, user, assessment=assessment, profile=profile
    ):
        row = {
            "action": state.action.name,
            "label": str(state.action.label),
            "needs_reason": state.action.needs_reason,
            "fields": list(state.action.fields),
            "blockers": [blocker_data(b) for b in state.blockers],
        }
        (allowed if state.enabled else blocked).append(row)
    waiver = bool(profile) and workflow.needs_waiver(profile)
    return allowed, blocked, waiver, assessment


class SupportRequestSerializer(serializers.ModelSerializer):
    """Drafted by an SSR advisor of the entity; saved by ``services.save_request``, as on the
    request page. ``named_individuals`` are set once the request exists."""

    entity = CodeRelatedField(slug_field="code", queryset=Entity.objects.all())
    support_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SupportType.choices), max_length=len(SupportType)
    )
    recipient_units = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Unit.objects.all(), allow_empty=True
    )
    named_individuals = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Person.objects.all(),
        required=False,
        help_text=_("People now in command in the recipient units; set once the request exists."),
    )
    is_extended_scope = serializers.BooleanField(read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            *REQUEST_FIELDS,
            "support_types",
            "is_extended_scope",
            "status",
            "created_by",
            "created_at",
            "updated_at",
            "decided_at",
            "review_due",
            "valid_until",
            "suspended_at",
        ]
        read_only_fields = [
            "status",
            "created_at",
            "updated_at",
            "decided_at",
            "review_due",
            "valid_until",
            "suspended_at",
        ]

    def validate(self, attrs):
        """The request's rules are the model's and ``services.request_errors``' (the request
        page's too): at least one known type, dates, currency, entity, recipient units, named
        individuals now in command in its saved recipient units."""
        user = self.context["request"].user
        instance = self.instance or SupportRequest(created_by=user)
        attrs = dict(attrs)
        m2m = {name: attrs.pop(name, None) for name in ("recipient_units", "named_individuals")}
        for name, value in attrs.items():
            setattr(instance, name, value)
        errors = services.request_errors(instance, user, **m2m)
        if errors:
            raise serializers.ValidationError(errors)
        self._write = (instance, m2m)
        return attrs

    def _save(self):
        instance, m2m = self._write
        try:
            return services.save_request(instance, self.context["request"].user, **m2m)
        except DjangoValidationError as error:
            raise serializers.ValidationError(validation_detail(error)) from error

    def create(self, validated_data):
        return self._save()

    def update(self, instance, validated_data):
        return self._save()


class StepSerializer(serializers.Serializer):
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=["done", "current", "todo"])
    ended = serializers.BooleanField()


class StageSerializer(serializers.Serializer):
    """Where the request stands, as the request page's stepper shows it (assessments.stages)."""

    steps = StepSerializer(many=True)
    next_actors = serializers.ListField(child=serializers.CharField())


def stage_data(support_request):
    return {
        "steps": [
            {"label": str(step.label), "state": step.state, "ended": step.ended}
            for step in stages.journey_of(support_request)
        ],
        "next_actors": [str(role) for role in stages.next_actors(support_request.status)],
    }


class SupportRequestDetailSerializer(SupportRequestSerializer):
    """One request, with what the caller may do with it now."""

    allowed_actions = serializers.SerializerMethodField()
    blocked_actions = serializers.SerializerMethodField()
    waiver_required = serializers.SerializerMethodField()
    current_assessment = serializers.SerializerMethodField()
    stage = serializers.SerializerMethodField()

    class Meta(SupportRequestSerializer.Meta):
        fields = [
            *SupportRequestSerializer.Meta.fields,
            "allowed_actions",
            "blocked_actions",
            "waiver_required",
            "current_assessment",
            "stage",
        ]

    @extend_schema_field(StageSerializer)
    def get_stage(self, support_request):
        """The stepper's steps and the roles that act next."""
        return stage_data(support_request)

    def _states(self, support_request):
        if getattr(self, "_cached_for", None) != support_request.pk:
            self._cached = action_states(support_request, self.context["request"].user)
            self._cached_for = support_request.pk
        return self._cached

    @extend_schema_field(ActionSerializer(many=True))
    def get_allowed_actions(self, support_request):
        return self._states(support_request)[0]

    @extend_schema_field(ActionSerializer(many=True))
    def get_blocked_actions(self, support_request):
        return self._states(support_request)[1]

    @extend_schema_field(serializers.BooleanField())
    def get_waiver_required(self, support_request):
        """Residual risk is high: approving needs ``waiver_reason`` (rule D2)."""
        return self._states(support_request)[2]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_current_assessment(self, support_request):
        assessment = self._states(support_request)[3]
        return assessment.pk if assessment else None


class TransitionRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(workflow.TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    waiver_reason = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class TransitionResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.ChoiceField(choices=RequestStatus.choices)
    status = serializers.ChoiceField(choices=RequestStatus.choices)


class RefusalSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text=_("The rule that blocks: D1–D7, or 'state'."))
    detail = serializers.CharField()
    blockers = BlockerSerializer(many=True, required=False)


class AttemptLogSerializer(serializers.ModelSerializer):
    """One attempt at a state change, allowed or refused (domain.md 4.5), as the pages show it."""

    actor = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        help_text=_("Who tried; null for the system (sweeps, triggers)."),
    )
    action_label = serializers.SerializerMethodField()
    rules = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_(
            "The codes of the rules that refused the attempt, most specific first (D1–D8, "
            "resumption, state, role, reason...); empty when allowed."
        ),
    )
    rule_titles = serializers.SerializerMethodField()

    class Meta:
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "action_label",
            "from_status",
            "to_status",
            "allowed",
            "rules",
            "rule_titles",
            "reason",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "to_status": {
                "help_text": _("Of a refused attempt: the state the action would have led to.")
            }
        }

    @extend_schema_field(serializers.CharField())
    def get_action_label(self, row):
        return str(workflow.attempt_label(row))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_rule_titles(self, row):
        """Each refusing rule's title in the caller's language, in the order of ``rules``."""
        return [str(title) for _code, title in row.refusal_rules]


class TransitionLogSerializer(AttemptLogSerializer):
    class Meta(AttemptLogSerializer.Meta):
        model = Transition


class CommunicationSerializer(serializers.ModelSerializer):
    """A letter or meeting on a request's log. With ``intervention``: the intercession letter or
    the authorities' response (HROs and managers). Recorded by the services the pages call
    (``support.services.record_communication``, ``assessments.services.
    record_intervention_communication``), whose rules (the model's) answer 400 by field."""

    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Communication
        fields = [
            "id",
            "request",
            "intervention",
            "kind",
            "date",
            "counterpart",
            "summary",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["recorded_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # Another entity's request or intervention does not exist for the caller.
            fields["request"].queryset = SupportRequest.objects.visible_to(request.user)
            fields["intervention"].queryset = visible_interventions(request.user)
        return fields

    def validate(self, attrs):
        intervention = attrs.get("intervention")
        if intervention is not None and intervention.request_id != attrs["request"].pk:
            raise serializers.ValidationError(
                {"intervention": [_("This intervention is on another request.")]}
            )
        return attrs


class PolicySettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicySettings
        fields = [
            "lookback_days",
            "pattern_threshold",
            "review_period_days",
            "validity_days",
            "review_reminder_days",
            "intercession_due_days",
            "response_due_days",
        ]
        read_only_fields = fields
