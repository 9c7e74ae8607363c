"""The inbox every signed-in user has (citizen and staff; fits a phone), and the choice
of which optional text messages to receive."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.workflow.selectors import unread_notifications

from .models import Notice
from .phones import normalise_phone
from .preferences import opted_out_kinds, set_opt_outs
from .rules import declared_rules, rules_by_kind
from .rules import render as render_text

PAGE = 20


@login_required
def inbox(request):
    """The user's notices, newest first; unread ones marked."""
    kinds = rules_by_kind()
    page = Paginator(Notice.objects.filter(recipient=request.user), PAGE).get_page(
        request.GET.get("page")
    )
    rows = []
    for notice in page:
        rule = kinds.get(notice.kind)
        rows.append(
            {
                "notice": notice,
                "title": render_text(rule.title, notice.params) if rule else notice.kind,
                "text": render_text(rule.text, notice.params) if rule else "",
            }
        )
    unread = Notice.objects.filter(recipient=request.user, read_at__isnull=True).count()
    reminders = unread_notifications(request.user).count()  # the workflow's deadline reminders
    return render(
        request,
        "notify/inbox.html",
        {"page": page, "rows": rows, "unread": unread, "reminders": reminders},
    )


@login_required
@require_POST
def mark_read(request):
    """Mark one notice (``notice``) or all of the user's notices read."""
    notices = Notice.objects.filter(recipient=request.user, read_at__isnull=True)
    raw = request.POST.get("notice", "")
    if raw:
        if not raw.isdigit():
            messages.error(request, _("No such notice. / 没有这条通知。"))
            return redirect("notify:inbox")
        notices = notices.filter(pk=int(raw))
    notices.update(read_at=timezone.now())
    return redirect("notify:inbox")


@login_required
def preferences(request):
    """Which optional text messages the user's phone receives; those the law requires
    (a decision) are always sent and not offered here."""
    phone = normalise_phone(getattr(request.user, "phone", ""))
    optional = [rule for rule in declared_rules() if rule.optional]
    if request.method == "POST" and phone:
        wanted = set(request.POST.getlist("kind"))
        set_opt_outs(phone, {rule.kind for rule in optional} - wanted, actor=request.user)
        messages.success(request, _("Your choices were saved."))
        return redirect("notify:preferences")
    off = opted_out_kinds(phone) if phone else set()
    choices = [(rule.kind, rule.label, rule.kind not in off) for rule in optional]
    return render(request, "notify/preferences.html", {"phone": phone, "choices": choices})
