"""Benefits' background jobs (yimen.jobs catalogue): the arguments as JSON (ids, codes, ISO
dates); each use case refuses a second application, so a rerun never pays twice."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from .services import payments, recalc


def _actor(actor_id: int):
    return get_user_model().objects.get(pk=actor_id)


def roll_issue(*, actor_id: int, township: str, month: str, today: str | None = None):
    """Issue ``township``'s roll of ``month`` signed by ``actor_id`` (payments.roll_issue)."""
    return payments.roll_issue(
        actor=_actor(actor_id),
        township_code=township,
        month=date.fromisoformat(month),
        today=date.fromisoformat(today) if today else None,
    )


def recalc_confirm(*, actor_id: int, division: str, on: str, digest: str):
    """Apply the previewed recalculation ``digest`` (recalc.recalc_confirm)."""
    return recalc.recalc_confirm(
        actor=_actor(actor_id), division_code=division, on=date.fromisoformat(on), digest=digest
    )
