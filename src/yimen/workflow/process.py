"""How a service's process is declared: once, as data.

A process is a sequence of stages. A stage holds one step, or several that run in parallel
and must all finish before the next stage. A step may be conditional: it runs only when a
named flag of the case holds when its stage is reached (democratic appraisal only when the
case is disputed, say). Every step names the roles and the division level that perform it,
the action (permission) it needs, its outcomes and its deadline. The same declaration
drives the engine, the permission checks, the diagram and the user guide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action, Role
from yimen.regions.codes import Level

from .calendar import Duration


@dataclass(frozen=True)
class Outcome:
    """A way a step can finish. ``closes_as`` ends the whole case (e.g. "rejected")."""

    code: str
    label: str | Promise
    closes_as: str | None = None
    needs_reason: bool = False


DONE = Outcome("done", _("Done"))


@dataclass(frozen=True)
class Condition:
    """A step runs only when the case flag ``flag`` is true when its stage begins."""

    flag: str
    label: str | Promise


@dataclass(frozen=True)
class Step:
    """One piece of work for a role at a division level."""

    code: str
    label: str | Promise
    roles: tuple[Role, ...]
    level: Level
    action: Action
    deadline: Duration | None = None
    condition: Condition | None = None
    outcomes: tuple[Outcome, ...] = (DONE,)
    signed: bool = False  # the decision records its accountable signer
    # completed only through its service, which records what the step produced (a visit
    # form, a signed decision…); the generic task page, API and batches refuse it
    service_only: bool = False

    def outcome(self, code: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.code == code), None)


@dataclass(frozen=True)
class Stage:
    """Steps that start together; the next stage begins when all of them have finished."""

    steps: tuple[Step, ...]

    @property
    def parallel(self) -> bool:
        return len(self.steps) > 1


@dataclass(frozen=True)
class Process:
    """A service's whole process, with its overall time limit."""

    code: str
    label: str | Promise
    stages: tuple[Stage, ...]
    deadline: Duration | None = None
    open_actions: tuple[Action, ...] = (Action.CASE_OPEN,)
    flags: tuple[Condition, ...] = field(default=())

    def __post_init__(self):
        codes = [s.code for stage in self.stages for s in stage.steps]
        if len(codes) != len(set(codes)):
            raise ValueError(f"duplicate step codes in process {self.code}")
        if not self.stages:
            raise ValueError(f"process {self.code} has no stages")

    def step(self, code: str) -> Step:
        for stage in self.stages:
            for step in stage.steps:
                if step.code == code:
                    return step
        raise KeyError(code)

    def all_steps(self) -> list[Step]:
        return [step for stage in self.stages for step in stage.steps]
