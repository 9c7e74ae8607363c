"""Users and the roles they hold, each bound to one division."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A person who logs in. Chinese names are not split, so ``full_name`` is the name."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def get_short_name(self) -> str:
        return self.full_name or self.username


class RoleBinding(models.Model):
    """A user acts in ``role`` inside the subtree of ``division`` and nowhere else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bindings",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    active = models.BooleanField(_("active"), default=True)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("granted by"),
    )

    class Meta:
        verbose_name = _("role binding")
        verbose_name_plural = _("role bindings")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "division"], name="uniq_binding"),
        ]
        indexes = [models.Index(fields=["role", "division"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.division_id}"


class LoginAttempt(models.Model):
    """One login try, kept to lock an account or address after repeated failures."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    succeeded = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("login attempt")
        verbose_name_plural = _("login attempts")

    def __str__(self) -> str:
        outcome = "ok" if self.succeeded else "failed"
        when = f"{self.at:%Y-%m-%d %H:%M}" if self.at else ""
        return f"{self.username} @ {self.address or '-'} {outcome} {when}"


class RateCounter(models.Model):
    """Uses of a rate-limited door by one key (a hashed address) in a fixed window.

    Kept in the database, not in a worker's memory, so every worker of every server counts
    against the same limit and a restart does not reset it (accounts/ratelimit.py)."""

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key} = {self.count}"
