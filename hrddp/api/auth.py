"""API tokens (django-rest-knox, hashed at rest, expiring: see REST_KNOX in settings).

``POST /api/v1/auth/token/``: a new token for username and password (and a second factor when the
account has or needs one). Sign-in failures go through ``authenticate(request=...)``, so the
login throttling (django-axes) counts and locks API attempts as it does the login page's.
``POST /api/v1/auth/logout/`` revokes the token that calls it, ``.../logoutall/`` all the caller's.
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import TokenAuthentication
from .services import issue_api_token, revoke_api_token, revoke_api_tokens


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp_token = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text=_("The code of the account's authenticator app, when it has one."),
    )

    def validate(self, attrs):
        from hrddp.accounts import two_factor
        from hrddp.accounts.access import must_use_two_factor
        from hrddp.accounts.sign_in import LOCAL_SIGN_IN_OFF, password_sign_in_allowed

        # Local sign-in off (LOCAL_SIGN_IN): no token for a password, before it is checked.
        if not password_sign_in_allowed(attrs["username"]):
            raise serializers.ValidationError(
                {"non_field_errors": [LOCAL_SIGN_IN_OFF]}, code="local_sign_in_off"
            )
        request = self.context["request"]
        user = authenticate(
            # The Django request: django-axes flags a lockout on it for its middleware.
            request=getattr(request, "_request", request),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to sign in with these credentials.")]},
                code="authorization",
            )
        attrs["two_factor"] = False
        if must_use_two_factor(user) or two_factor.has_two_factor(user):
            code = (attrs.get("otp_token") or "").strip()
            if not code:
                raise serializers.ValidationError(
                    {"otp_token": [_("This account signs in with a second factor: give its code.")]}
                )
            if not two_factor.verify_code(user, code):
                raise serializers.ValidationError(
                    {"otp_token": [_("The code is wrong or has expired.")]}
                )
            attrs["two_factor"] = True
        attrs["user"] = user
        return attrs


class ObtainTokenView(APIView):
    """A new token at each call; the key is in this answer only (the database keeps its digest)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer(
            "TokenResponse",
            {
                "token": serializers.CharField(),
                "expiry": serializers.DateTimeField(
                    help_text=_("When the token lapses unless used; each use moves it on.")
                ),
            },
        ),
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, key = issue_api_token(
            serializer.validated_data["user"], two_factor=serializer.validated_data["two_factor"]
        )
        return Response(
            {"token": key, "expiry": serializers.DateTimeField().to_representation(token.expiry)}
        )


class RevokeTokenView(APIView):
    """Sign out of the API: the token that calls is revoked."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        revoke_api_token(request.user, request.auth.digest)
        return Response(status=204)


class RevokeAllTokensView(APIView):
    """Sign out of the API everywhere: every token of the caller is revoked."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        revoke_api_tokens(request.user)
        return Response(status=204)
