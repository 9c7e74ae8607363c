"""The deterministic plan of the two-node run: who exists where, and what must happen.

Both the seeding script (inside each node's process) and the test compute it from the same
seed, so the test can check every transfer's outcome, not just counts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric

CHANGCHUN = "220100000000"
JILIN_CITY = "220200000000"
HAIKOU = "460100000000"
SANYA = "460200000000"


def id_number(serial: int) -> str:
    body = f"220102{1970 + serial % 30}0{1 + serial % 9}{10 + serial % 18}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass(frozen=True)
class Planned:
    serial: int
    id_number: str
    name: str
    applied_name: str
    exists: bool  # insured at the outgoing node
    status: str
    division: str
    balance_fen: int
    months: tuple[date, ...]

    @property
    def expect_completed(self) -> bool:
        return self.exists and self.status == "stopped" and self.name == self.applied_name


def plan(count: int, seed: int) -> list[Planned]:
    rnd = random.Random(seed)
    out = []
    for serial in range(count):
        roll = rnd.random()
        status = "stopped"
        if roll < 0.06:
            status = "contributing"
        elif roll < 0.11:
            status = "retired"
        name = rnd.choice("王李张刘陈杨赵黄周吴") + rnd.choice(
            ["伟", "芳", "秀英", "敏", "静", "强"]
        )
        applied = name if rnd.random() > 0.04 else name + "明"
        exists = rnd.random() > 0.03
        n_months = rnd.randint(0, 40)
        last = 2026 * 12 + 9 - rnd.randint(0, 8)  # last paid between 2026-02 and 2026-10
        months = tuple(
            date((last - i) // 12, (last - i) % 12 + 1, 1) for i in reversed(range(n_months))
        )
        balance = 0 if rnd.random() < 0.08 else rnd.randint(1, 800_000)
        out.append(
            Planned(
                serial=serial,
                id_number=id_number(serial),
                name=name,
                applied_name=applied,
                exists=exists,
                status=status,
                division=rnd.choice([CHANGCHUN, JILIN_CITY]),
                balance_fen=balance,
                months=months,
            )
        )
    return out
