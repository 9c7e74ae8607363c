"""Token login for API clients, with the same lockout and audit as the page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from yimen.web.problems import QueryChecked, StrictSerializer

from .services import user_login
from .views import client_address


class TokenRequest(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenView(QueryChecked, APIView):
    """Exchange a user name and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=TokenRequest,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
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
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
