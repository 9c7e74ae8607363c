"""Benchmark: 100,000 text messages queued from the audit log and delivered to a stand-in
SMS gateway, with faults, and none delivered twice.

Generates one audit event per message (not timed), then times the dispatch (events → queued
``SmsMessage`` rows, ``dispatch_all``) and the delivery (``send_due``: set-based claims —
``FOR UPDATE SKIP LOCKED`` on PostgreSQL —, a bounded pool of HTTP calls on kept-alive
connections, set-based answers) to a stand-in gateway in its own process: an asyncio HTTP/1.1
server that answers the first try of ``--faults`` of the messages with a 503 or a dropped
connection and answers ``--slow`` of them after 100 ms. The retries are sent by a second
round one minute later on the sender's clock (``send_due(now=…)``: backoff is not waited out
in real time). ``--senders N`` runs N sender processes at once on one queue.

Checks that every message was accepted exactly once by the gateway (by our message id) and
that every call is an ``SmsAttempt``. Prints one line for docs/performance.md: wall times,
CPU of this process and its senders (user+sys), of the stand-in, and the load average.

    .venv/bin/python bench/notify_delivery.py --messages 100000
    .venv/bin/python bench/notify_delivery.py --messages 100000 --senders 2 --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import resource
import time
import zlib
from collections import Counter

from common import fresh_database

os.environ.setdefault("YIMEN_SMS_QUIET_HOURS", "")


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


# --- the stand-in gateway, in its own process ---------------------------------------------


def _gateway(port_out, stop_in, faults: float, slow: float) -> None:
    """Serve until told to stop; then report the hits, the ids accepted and the CPU used."""
    accepted: Counter[str] = Counter()
    tries: Counter[str] = Counter()
    hits = 0

    def fate(message_id: str) -> str:
        if tries[message_id] > 1:  # a retry is always accepted
            return "ok"
        share = zlib.crc32(message_id.encode()) % 10_000 / 10_000
        if share < faults / 2:
            return "503"
        if share < faults:
            return "drop"
        if share < faults + slow:
            return "slow"
        return "ok"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal hits
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = json.loads(await reader.readexactly(length))
                hits += 1
                message_id = body["id"]
                tries[message_id] += 1
                step = fate(message_id)
                if step == "drop":
                    writer.close()
                    return
                if step == "slow":
                    await asyncio.sleep(0.1)
                if step == "503":
                    payload, status = b'{"error":"busy"}', b"503 Service Unavailable"
                else:
                    accepted[message_id] += 1
                    payload, status = f'{{"id":"gw-{message_id}"}}'.encode(), b"200 OK"
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n"
                    b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=256)
        port_out.send(server.sockets[0].getsockname()[1])
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, stop_in.recv)
        server.close()

    asyncio.run(main())
    twice = sum(1 for count in accepted.values() if count > 1)
    port_out.send(
        {"hits": hits, "accepted": len(accepted), "twice": twice, "cpu": _cpu(resource.RUSAGE_SELF)}
    )


# --- the data and the senders ---------------------------------------------------------------


def _rule():
    from yimen.audit.events import EventType
    from yimen.notify.rules import Delivery, NoticeRule

    return NoticeRule(
        kind="bench.notice",
        event_type=EventType.USER_CHANGED,
        label="bench",
        title="bench",
        text="您的救助金%(amount)s元已发放，请注意查收。",
        deliveries=lambda event: [
            Delivery(phone=event.new["phone"], params={"amount": event.new["amount"]})
        ],
    )


def generate(messages: int) -> None:
    from yimen.audit.events import EventType
    from yimen.audit.services import EventDraft, append_events

    for start in range(0, messages, 20_000):
        append_events(
            [
                EventDraft(
                    event_type=EventType.USER_CHANGED,
                    subject_type="bench.person",
                    subject_id=str(n),
                    new={"phone": f"139{n:08d}", "amount": f"{500 + n % 300}.00"},
                )
                for n in range(start, min(messages, start + 20_000))
            ]
        )


def _send_rounds(rounds: list) -> None:
    """One sender: a round at each of the given instants (the retries come due a minute on)."""
    from django.db import connections

    from yimen.notify.sending import send_due

    connections.close_all()
    for at in rounds:
        send_due(now=at)
    connections.close_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (a new database is made there)")
    parser.add_argument("--senders", type=int, default=1, help="sender processes at once")
    parser.add_argument("--concurrency", type=int, default=16, help="HTTP calls in flight")
    parser.add_argument("--batch", type=int, default=1000, help="messages per claim")
    parser.add_argument("--faults", type=float, default=0.01, help="share: 503 or dropped")
    parser.add_argument("--slow", type=float, default=0.002, help="share answered in 100 ms")
    args = parser.parse_args()

    ctx = mp.get_context("fork")
    port_out, port_in = ctx.Pipe()
    stop_out, stop_in = ctx.Pipe()
    server = ctx.Process(target=_gateway, args=(port_in, stop_in, args.faults, args.slow))
    server.start()
    port = port_out.recv()
    os.environ.update(
        YIMEN_SMS_BACKEND="http",
        YIMEN_SMS_URL=f"http://127.0.0.1:{port}/send",
        YIMEN_SMS_KEY="bench",
        YIMEN_SMS_CONCURRENCY=str(args.concurrency),
        YIMEN_SMS_BATCH=str(args.batch),
    )
    with fresh_database(args.postgres):
        import datetime as dt

        from django.db import connection, connections
        from django.utils import timezone

        from yimen.notify.dispatch import dispatch_all
        from yimen.notify.models import SmsAttempt, SmsMessage, SmsStatus

        started = time.perf_counter()
        generate(args.messages)
        print(f"generated {args.messages} events in {time.perf_counter() - started:.1f} s")

        load_before = os.getloadavg()
        cpu0 = _cpu(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        queued = dispatch_all(rules=[_rule()])
        t1 = time.perf_counter()
        cpu1 = _cpu(resource.RUSAGE_SELF)
        now = timezone.now()
        rounds = [now, now + dt.timedelta(minutes=1, seconds=1)]
        if args.senders == 1:
            _send_rounds(rounds)
        else:
            connections.close_all()
            senders = [
                ctx.Process(target=_send_rounds, args=(rounds,)) for _ in range(args.senders)
            ]
            for sender in senders:
                sender.start()
            for sender in senders:
                sender.join()
        t2 = time.perf_counter()
        cpu2 = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
        load_after = os.getloadavg()

        stop_out.send("stop")
        stats = port_out.recv()
        server.join()
        status = Counter(SmsMessage.objects.values_list("status", flat=True))
        attempts = SmsAttempt.objects.count()
        ok = (
            status == {SmsStatus.SENT: args.messages}
            and stats["accepted"] == args.messages
            and stats["twice"] == 0
            and attempts == stats["hits"]
        )
        print(
            f"notify delivery, {connection.vendor}, {args.messages} messages "
            f"(queued {queued.messages}), {args.senders} sender(s) x {args.concurrency} "
            f"in flight, batch {args.batch}: dispatch {t1 - t0:.1f} s (cpu {cpu1 - cpu0:.1f} s), "
            f"delivery {t2 - t1:.1f} s (cpu {cpu2 - cpu1:.1f} s), total {t2 - t0:.1f} s "
            f"(cpu {cpu2 - cpu0:.1f} s); gateway calls {stats['hits']}, accepted "
            f"{stats['accepted']}, accepted twice {stats['twice']}, stand-in cpu "
            f"{stats['cpu']:.1f} s; load {load_before[0]:.1f} -> {load_after[0]:.1f}; "
            f"{'OK' if ok else 'MISMATCH ' + str(dict(status))}"
        )


if __name__ == "__main__":
    main()
