"""API tokens that expire, and their revocation.

A token is valid for settings.YIMEN_API_TOKEN_TTL_HOURS after it was issued; logout and a
change or reset of the password delete the user's token at once, so a token copied from a
client stops working as soon as its owner logs out or changes the password.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_lifetime() -> timedelta:
    return timedelta(hours=settings.YIMEN_API_TOKEN_TTL_HOURS)


def token_expired(token: Token, now=None) -> bool:
    return token.created + token_lifetime() <= (now or timezone.now())


def token_issue(user) -> Token:
    """The user's valid token, or a new one when there is none or it has expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and not token_expired(token):
        return token
    # only an expired token is deleted, so a fresh one issued meanwhile by a concurrent login
    # survives; that login's token is then handed out here too (one token per user)
    Token.objects.filter(user=user, created__lte=timezone.now() - token_lifetime()).delete()
    try:
        with transaction.atomic():
            return Token.objects.create(user=user)
    except IntegrityError:
        return Token.objects.get(user=user)


def tokens_revoke(user) -> int:
    """Delete the user's API token (logout, password change or reset); how many were."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing (and deleting) a token past its lifetime."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("The token has expired; log in again for a new one.")
            )
        return user, token
