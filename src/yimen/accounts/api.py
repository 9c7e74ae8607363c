"""Token login for API clients, with the same lockout and audit as the page; tokens expire
(settings.YIMEN_API_TOKEN_TTL_HOURS) and a client can revoke its own. And "who am I"."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.web.problems import QueryChecked, StrictSerializer

from .addresses import client_address
from .scoping import bindings_of
from .services import user_login
from .tokens import ExpiringTokenAuthentication, token_issue, token_lifetime, tokens_revoke


class TokenRequest(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenView(QueryChecked, APIView):
    """Exchange a user name and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=TokenRequest,
        responses=inline_serializer(
            "TokenResponse",
            {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
        ),
    )
    def post(self, request):
        data = TokenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_login(
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            address=client_address(request),
            request=None,
        )
        token = token_issue(user)
        expires = serializers.DateTimeField().to_representation(token.created + token_lifetime())
        return Response({"token": token.key, "expires_at": expires})


class TokenRevokeView(QueryChecked, APIView):
    """Log the API client out: its token stops working at once (audited as a logout)."""

    permission_classes = [IsAuthenticated]
    authentication_classes = [ExpiringTokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        revoked = tokens_revoke(request.user)
        record_event(
            event_type=EventType.LOGOUT,
            subject=request.user,
            actor=request.user,
            new={"tokens_revoked": revoked},
        )
        return Response(status=204)


class BindingSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_label = serializers.SerializerMethodField()
    division_code = serializers.CharField()

    def get_role_label(self, binding) -> str:
        return str(binding.role.label)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    bindings = BindingSerializer(many=True)


class MeView(QueryChecked, APIView):
    """Who am I, and in which roles and divisions."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        return Response(
            MeSerializer(
                {
                    "username": user.get_username(),
                    "full_name": user.get_full_name(),
                    "bindings": bindings_of(user),
                }
            ).data
        )
