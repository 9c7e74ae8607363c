"""The question bank: import from Excel (validated, duplicates detected, versioned) and a
generator of example questions for the demo and the benchmark."""

from __future__ import annotations

import hashlib
import random

from django.db import transaction
from django.utils.translation import gettext as _

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.import_limits import xlsx_rows

from .errors import ImportRefused
from .models import Question, QuestionKind
from .services.common import audit, require

IMPORT_COLUMNS = ["类型", "题目", "选项A", "选项B", "选项C", "选项D", "答案", "难度", "层级"]
KINDS = {"判断": "tf", "单选": "single", "多选": "multiple"}
TIERS = {"国家": "national", "省级": "provincial"}


def fingerprint(text: str, options: list[str]) -> str:
    """Same question text and options (spaces ignored): a duplicate."""
    norm = "".join(text.split()) + "|" + "|".join("".join(o.split()) for o in options)
    return hashlib.sha256(norm.encode()).hexdigest()


def parse_question_rows(rows) -> tuple[list[dict], list[tuple[int, str]]]:
    good: list[dict] = []
    bad: list[tuple[int, str]] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        if n == 1:
            continue
        cells = [("" if c is None else str(c).strip()) for c in row] + [""] * 9
        if not any(cells[:9]):
            continue
        kind = KINDS.get(cells[0])
        text = cells[1]
        options = [c for c in cells[2:6] if c] if kind != "tf" else ["正确", "错误"]
        letters = "ABCD"[: len(options)]
        answer = sorted({letters.index(a) for a in cells[6].upper() if a in letters})
        problem = ""
        if kind is None:
            problem = _("Unknown question type.")
        elif not text:
            problem = _("Question text missing.")
        elif kind == "tf" and cells[6] not in ("正确", "错误", "对", "错"):
            problem = _("A true/false answer is 正确 or 错误.")
        elif kind != "tf" and len(options) < 2:
            problem = _("At least two options.")
        elif kind == "single" and len(answer) != 1:
            problem = _("A single-choice question has exactly one answer among its options.")
        elif kind == "multiple" and len(answer) < 2:
            problem = _("A multiple-choice question has two or more answers among its options.")
        if kind == "tf" and not problem:
            answer = [0 if cells[6] in ("正确", "对") else 1]
        print_ = fingerprint(text, options)
        if not problem and print_ in seen:
            problem = _("Duplicate of an earlier row.")
        if problem:
            bad.append((n, problem))
            continue
        seen.add(print_)
        difficulty = int(cells[7]) if cells[7].isdigit() and 1 <= int(cells[7]) <= 5 else 2
        good.append(
            {
                "kind": kind,
                "text": text,
                "options": options,
                "answer": answer,
                "difficulty": difficulty,
                "tier": TIERS.get(cells[8], "national"),
                "fingerprint": print_,
            }
        )
    return good, bad


@transaction.atomic
def questions_import(
    *, category_code: str, data: bytes, filename: str, actor, division_code: str
) -> int:
    """Import a sheet into a new bank version of ``category_code``; all or nothing.
    Questions already in the bank are skipped (counted as duplicates, not refused)."""
    role = require(actor, Action.EXAM_ADMINISTER, division_code)
    good, bad = parse_question_rows(xlsx_rows(data, filename))
    if bad:
        raise ImportRefused(bad)
    known = set(
        Question.objects.filter(category_code=category_code).values_list("fingerprint", flat=True)
    )
    version = 1 + max(
        Question.objects.filter(category_code=category_code).values_list("bank_version", flat=True),
        default=0,
    )
    fresh = [
        Question(category_code=category_code, bank_version=version, **q)
        for q in good
        if q["fingerprint"] not in known
    ]
    Question.objects.bulk_create(fresh)
    audit(
        EventType.EXAM_QUESTIONS_IMPORTED,
        ("exams.bank", category_code),
        actor=actor,
        role=role,
        division=division_code,
        new={"added": len(fresh), "duplicates": len(good) - len(fresh), "version": version},
    )
    return len(fresh)


def generate_bank(
    category_code: str, *, tf: int, single: int, multiple: int, seed: int = 1
) -> list[Question]:
    """Example questions (marked as such in their text) for the demo and benchmarks."""
    rng = random.Random(f"{category_code}:{seed}")
    out: list[Question] = []
    for kind, count in (("tf", tf), ("single", single), ("multiple", multiple)):
        for n in range(1, count + 1):
            label = QuestionKind(kind).label
            text = f"（示例题）{category_code} {label} 第{n}题：作业前应当确认的安全事项。"
            if kind == "tf":
                options, answer = ["正确", "错误"], [rng.randrange(2)]
            else:
                options = [f"选项{c}（示例）" for c in "ABCD"]
                answer = [rng.randrange(4)] if kind == "single" else sorted(rng.sample(range(4), 2))
            out.append(
                Question(
                    category_code=category_code,
                    kind=kind,
                    text=text,
                    options=options,
                    answer=answer,
                    difficulty=rng.randint(1, 3),
                    tier="national" if n % 4 else "provincial",
                    fingerprint=fingerprint(text, options),
                )
            )
    return out
