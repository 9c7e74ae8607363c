"""The personal-data access log: what a page view costs, what an export of 200,000 households
costs, how large its entry is, and how fast the chain verifies.

    .venv/bin/python bench/privacy_access.py [--views 5000] [--export 200000] [--postgres URL]

Each view is one ``log_full_record`` (one insert and the chain head's update, in its own
transaction, as a page does); the export is one ``log_export`` of ``--export`` ids drawn
from a sparse range (as a filtered roster would be), and reading the set back."""

from __future__ import annotations

import argparse
import os
import random
import time

from common import TOWNSHIP, add_divisions, fresh_database, peak_rss_mib


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", type=int, default=5000)
    parser.add_argument("--export", type=int, default=200_000)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    with fresh_database(args.postgres):
        from yimen.accounts.models import RoleBinding, User
        from yimen.privacy import recordsets
        from yimen.privacy.access import log_export, log_full_record
        from yimen.privacy.access_verify import verify_access_log
        from yimen.privacy.models import AccessEntry

        add_divisions()
        user = User.objects.create(username="bench", full_name="基准")
        RoleBinding.objects.create(user=user, role="township_caseworker", division_id=TOWNSHIP)
        load = os.getloadavg()[0]
        start = time.perf_counter()
        for i in range(args.views):
            log_full_record(
                actor=user,
                record_type="assistance.application",
                record_id=i + 1,
                division_code=TOWNSHIP,
            )
        views = time.perf_counter() - start
        rng = random.Random(23)
        ids = rng.sample(range(1, args.export * 5), args.export)
        start = time.perf_counter()
        entry = log_export(
            actor=user,
            record_type="benefits.beneficiary",
            record_ids=ids,
            division_code=TOWNSHIP,
            purpose="review",
        )
        export = time.perf_counter() - start
        start = time.perf_counter()
        back = recordsets.unpack(bytes(AccessEntry.objects.get(pk=entry.pk).record_set))
        unpack = time.perf_counter() - start
        assert back == sorted(ids)
        start = time.perf_counter()
        result = verify_access_log()
        verify = time.perf_counter() - start
        assert result.ok
        engine = "PostgreSQL" if args.postgres else "SQLite"
        print(
            f"{engine}: {args.views} views {views:.2f} s "
            f"({views / args.views * 1000:.2f} ms each); "
            f"export of {args.export} ids {export * 1000:.0f} ms, entry {len(entry.record_set)} B, "
            f"read back {unpack * 1000:.0f} ms; verify {result.checked} entries {verify:.2f} s; "
            f"peak RSS {peak_rss_mib():.0f} MiB; load {load:.2f} -> {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
