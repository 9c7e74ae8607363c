"""Pictures of a process, drawn from its declaration: SVG for pages, Mermaid for the guide."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import GENERIC_ASSIST, HUAYANG
from yimen.workflow import registry
from yimen.workflow.case_view import case_page_context
from yimen.workflow.diagram import process_mermaid, process_svg
from yimen.workflow.process import Process, Stage, Step
from yimen.workflow.process_doc import processes_markdown
from yimen.workflow.registry import get_process
from yimen.workflow.states import TaskStatus

from .helpers import complete, make_process, open_case, registered, statuses

CODE = "wf_diagram"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module", autouse=True)
def _process():
    with registered(make_process(CODE)):
        yield


def _groups(svg: str) -> dict[str, ElementTree.Element]:
    root = ElementTree.fromstring(svg)  # noqa: S314 — our own output
    return {g.get("data-step"): g for g in root.iter(f"{SVG}g")}


@pytest.mark.django_db
def test_svg_highlights_the_open_step_and_marks_skipped_ones(people):
    case = open_case(CODE, people.caseworker, HUAYANG)
    for step, user, outcome in (
        ("accept", people.caseworker, "accepted"),
        ("verify", people.caseworker, "done"),
        ("visit", people.social, "done"),
    ):
        complete(case, step, user, outcome)
    state = statuses(case)
    groups = _groups(process_svg(get_process(CODE), state))
    assert set(groups) == {s.code for s in get_process(CODE).all_steps()}
    current = [code for code, g in groups.items() if g.get("data-current") == "true"]
    assert current == ["decide"]
    assert groups["decide"].get("data-status") == TaskStatus.OPEN
    assert groups["appraise"].get("data-status") == TaskStatus.SKIPPED
    assert groups["recheck"].get("data-status") == TaskStatus.SKIPPED
    assert groups["accept"].get("data-status") == TaskStatus.DONE
    assert groups["disclose"].get("data-status") is None  # not reached
    # the open step is drawn bold, skipped ones grey, conditional ones dashed
    rect = {code: g.find(f"{SVG}rect") for code, g in groups.items()}
    assert rect["decide"].get("stroke-width") == "3"
    assert rect["appraise"].get("fill") == "#f1f1f1"
    assert rect["appraise"].get("stroke-dasharray") and rect["recheck"].get("stroke-dasharray")
    assert rect["decide"].get("stroke-dasharray") is None


def test_svg_of_the_bare_declaration_has_no_current_step():
    svg = process_svg(get_process(CODE))
    assert "data-current" not in svg and "data-status" not in svg
    groups = _groups(svg)
    # parallel steps share a row, stages go top to bottom
    y = {code: float(g.find(f"{SVG}rect").get("y")) for code, g in groups.items()}
    assert y["verify"] == y["visit"] < y["appraise"] < y["decide"] == y["recheck"] < y["disclose"]
    assert y["accept"] < y["verify"]


def test_svg_escapes_labels():
    step = Step(
        "a",
        'Check <b> & "quote"',
        make_process(CODE).step("accept").roles,
        make_process(CODE).step("accept").level,
        make_process(CODE).step("accept").action,
    )
    process = Process(code="esc", label='Label with "quotes" & <tags>', stages=(Stage((step,)),))
    svg = process_svg(process, {"a": TaskStatus.OPEN})
    root = ElementTree.fromstring(svg)  # noqa: S314 — parses, so nothing broke out
    assert root.get("aria-label") == 'Label with "quotes" & <tags>'
    assert 'Check <b> & "quote"' in "".join(root.itertext())


def test_mermaid_has_every_step_and_the_condition_labels():
    process = get_process(CODE)
    with translation.override("en"):
        text = process_mermaid(process)
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    for step in process.all_steps():
        shape = "{{" if step.condition else "["
        assert any(line.strip().startswith(f"{step.code}{shape}") for line in lines), step.code
    assert '-- "the case is disputed" --> appraise' in text
    assert '-- "a recheck was ordered" --> recheck' in text
    # parallel steps start together and join before the next stage
    assert "  accept --> verify" in lines and "  accept --> visit" in lines
    # the stage of a single conditional step can be passed over: decide follows either way
    assert "  verify & visit & appraise --> decide" in lines
    assert "  disclose --> finish" in lines
    assert "10 working days" in text and "7 days" in text  # working vs calendar days


def test_mermaid_is_translated():
    process = get_process("assist")
    with translation.override("en"):
        english = process_mermaid(process)
    with translation.override("zh-hans"):
        chinese = process_mermaid(process)
    assert "Township approval" in english
    assert english != chinese
    # the structure is the same in both languages
    assert [re.sub(r'".*"', "", line) for line in english.splitlines()] == [
        re.sub(r'".*"', "", line) for line in chinese.splitlines()
    ]


def test_mermaid_keeps_quotes_out_of_labels():
    step = Step(
        "a",
        'say "hi"',
        make_process(CODE).step("accept").roles,
        make_process(CODE).step("accept").level,
        make_process(CODE).step("accept").action,
    )
    text = process_mermaid(Process(code="q", label="q", stages=(Stage((step,)),)))
    node = next(line for line in text.splitlines() if line.strip().startswith("a["))
    assert node.count('"') == 2  # only the label's own delimiters


def test_docs_processes_md_is_generated_from_the_declarations(monkeypatch):
    """docs/processes.md must be regenerated (`yimen process_docs`) when a process changes."""
    # only the real processes: leave out those the tests register (wf_*, the generic copy)
    real = {
        code: p
        for code, p in registry._PROCESSES.items()
        if not code.startswith("wf_") and code != GENERIC_ASSIST
    }
    monkeypatch.setattr(registry, "_PROCESSES", real)
    assert "assist" in real
    path = Path(settings.REPO_DIR) / "docs" / "processes.md"
    assert path.read_text(encoding="utf-8") == processes_markdown(), (
        "docs/processes.md is out of date: run `yimen process_docs`"
    )


def test_test_processes_are_not_in_the_docs():
    assert CODE not in Path(settings.REPO_DIR, "docs", "processes.md").read_text("utf-8")


@pytest.mark.django_db
def test_case_page_offers_only_what_the_user_may_do(people):
    case = open_case(CODE, people.caseworker, HUAYANG)
    complete(case, "accept", people.caseworker, "accepted")
    for user, expected in (
        (people.caseworker, ["verify", "visit"]),
        (people.social, ["visit"]),
        (people.supervisor, []),
        (people.approver, []),
    ):
        context = case_page_context(user, case)
        assert [a["step"].code for a in context["actionable"]] == expected
    context = case_page_context(people.caseworker, case)
    assert [r["task"].step for r in context["rows"]] == ["accept", "verify", "visit"]
    assert [e.event_type for e in context["timeline"]] == [
        "workflow.case_opened",
        "workflow.task_completed",
    ]
    assert 'data-step="verify" data-current="true"' in context["diagram"]


# --- labels fit their boxes ----------------------------------------------------------------


def _lines(group: ElementTree.Element) -> list[tuple[str, float]]:
    """Each drawn line of a box: its text and font size."""
    out = []
    for text in group.iter(f"{SVG}text"):
        size = float(text.get("font-size") or 13)
        out += [(span.text or "", size) for span in text.iter(f"{SVG}tspan")]
    return out


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_label_fits_its_box_in_both_languages(language):
    from yimen.workflow.diagram import BOX_W, INSET, text_width

    with translation.override(language):
        for process in registry.all_processes():
            root = ElementTree.fromstring(process_svg(process))  # noqa: S314 — our own output
            for group in root.iter(f"{SVG}g"):
                box_h = float(group.find(f"{SVG}rect").get("height"))
                lines = _lines(group)
                assert lines, group.get("data-step")
                for line, size in lines:
                    assert text_width(line, size) <= BOX_W - 2 * INSET, (process.code, line)
                assert sum(size + 3 for _, size in lines) <= box_h


def test_a_long_label_wraps_and_keeps_every_word():
    accept = make_process(CODE).step("accept")
    long = Step(
        "long",
        "County visit of a relative of the assistance staff",
        accept.roles,
        accept.level,
        accept.action,
    )
    svg = process_svg(Process(code="long", label="long", stages=(Stage((long,)),)))
    group = _groups(svg)["long"]
    label = [t for t, size in _lines(group) if size == 13]
    assert len(label) == 2 and " ".join(label).replace("…", "") in long.label
    assert group.find(f"{SVG}title").text.startswith(long.label)  # the whole text on hover


def test_wrap_breaks_chinese_anywhere_and_ends_with_an_ellipsis():
    from yimen.workflow.diagram import text_width, wrap

    lines = wrap(
        "只有申请人是救助经办人员或者村（居）民委员会成员的近亲属时才需要县级入户核查", 13, 100, 2
    )
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(text_width(line, 13) <= 100 for line in lines)
    assert wrap("审核确认", 13, 174, 2) == ["审核确认"]
