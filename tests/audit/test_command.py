"""`yimen audit show` and how `yimen --help` lists the command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.audit.conftest import make_log


def show(subject: str) -> str:
    out = StringIO()
    call_command("audit", "show", "--subject", subject, stdout=out)
    return out.getvalue()


def test_show_prints_one_subjects_timeline(actor):
    make_log(actor, 8)  # tasks 1-4 one by one, cases 5-8 in a batch
    text = show("workflow.task:3")
    lines = text.strip().splitlines()
    assert "workflow.task:3" in lines[0] and "1" in lines[0]
    assert len(lines) == 2
    assert lines[1].startswith("#3 ")
    assert "workflow.task_completed" in lines[1]
    assert actor.full_name in lines[1] and "township_caseworker @ 220102001000" in lines[1]
    assert "step 3 done" in lines[1]
    assert '{"status":"open"} -> {"amount":"3","status":"done"}' in lines[1]


def test_show_names_the_signer(actor):
    make_log(actor, 8)
    line = show("workflow.case:7").strip().splitlines()[1]
    assert line.startswith("#7 ") and f"signer={actor.full_name}" in line


def test_show_unknown_subject(actor):
    make_log(actor, 2)
    assert "no audit events for workflow.case:99" in show("workflow.case:99")


@pytest.mark.parametrize("subject", ["workflow.case", ":5", "workflow.case:"])
def test_show_refuses_a_malformed_subject(db, subject):
    with pytest.raises(CommandError, match="TYPE:ID"):
        show(subject)


def test_verify_or_show_is_required(db):
    with pytest.raises(CommandError):
        call_command("audit")


def test_yimen_help_lists_audit(db, capsys):
    from yimen.cli import _print_own_commands

    _print_own_commands()
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.strip().startswith("audit"))
    assert "verify the hash chain" in line
