#!/usr/bin/env python3
"""Mail benchmark (issue 10): personalised invitations with their links through a local SMTP server.

1. Throughput. 1,000 invitations (each composed from its outbox row: records, both templates, its personal
   link) are sent to a local aiosmtpd (another process, which keeps nothing) by Atelier's sender, over one reused
   connection; then the same 1,000 again by the same sender opening a connection of its own for each (connect,
   EHLO, send, QUIT), with the same composing and the same marking as sent. Alternated for `--rounds` rounds
   in the same run: mails per second for each, and their ratio. Target: at least 100 per second with the
   reused connection.
2. Alongside a live workshop. `atelier demo` runs with `--smtp-url` to that SMTP server; `--participants`
   participants follow the workshop as benchmarks/live_fanout.py's pages do (socket.io clients). The moderator
   starts and moves on two steps; then 1,000 invitations are written to the outbox (as the invitation wizard
   does, in one transaction) and, while Atelier sends them, the moderator moves on three more steps. For each
   step: how long until every stage page shows it (p95 over pages). Target: p95 at most 250 ms while mail goes.
   The sending rate inside the running server comes from the messages' own `sent_at`.

    .venv/bin/python benchmarks/mail_throughput.py                     # 1,000 mails, 100 participants
    .venv/bin/python benchmarks/mail_throughput.py --quick             # 200 mails, 20 participants
    .venv/bin/python benchmarks/mail_throughput.py --throughput-only   # part 1 alone
    .venv/bin/python benchmarks/mail_throughput.py --check             # exit 1 when a target is missed
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from datetime import time as clock_time
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling benchmarks
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, before any installed copy

from live_fanout import (
    STEP_TITLES,
    Bench,
    BenchmarkError,
    Browser,
    Participant,
    Server,
    fmt_ms,
    free_port,
    log,
)

import atelier
from domain import database, outbox, workshops
from domain.clock import SystemClock
from domain.demo import DEMO_SLUG
from domain.models import (
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopSession,
)
from domain.personal_links import PersonalLinks, token_hash
from mail.composing import Composer
from mail.sender import MailSender
from mail.settings import SmtpServer

MAIL_FROM = Address("Mairie de Villeneuve", "atelier", "ville.example")
THROUGHPUT_TARGET = 100.0  # mails per second, one reused connection
STEP_TARGET_MS = 250.0


# ------------------------------------------------------------------ the SMTP server, in a process of its own

@contextlib.contextmanager
def smtp_server() -> Iterator[int]:
    """aiosmtpd's Sink (accepts every message, keeps none) on a free port, in another process: its CPU is not
    Atelier's, as with a real mail server."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                                "-l", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise BenchmarkError("the local SMTP server (aiosmtpd) did not start")
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


# ------------------------------------------------------------------ part 1: throughput

async def write_invitations(workshop: Workshop, session: WorkshopSession | None, count: int, links: PersonalLinks,
                            *, prefix: str) -> None:
    """`count` invitees and their invitations, in one transaction, as sending invitations from the wizard does."""
    from tortoise.transactions import in_transaction

    clock = SystemClock()
    async with in_transaction() as connection:
        for number in range(count):
            public_id = f"{prefix}{number:06d}"
            registration = await Registration.create(
                public_id=public_id, workshop=workshop, session=session, email=f"{public_id}@habitants.example",
                display_name=f"Habitant·e {number}", language="fr" if number % 3 else "en",
                status=RegistrationStatus.INVITED, token_hash=token_hash(links.token(public_id, 1)),
                using_db=connection)
            await outbox.post(MessageKind.INVITATION, to_address=registration.email,
                              to_name=registration.display_name, language=registration.language, clock=clock,
                              facts={"subject": "", "body": ""}, registration=registration, using=connection)


async def requeue() -> None:
    await OutboxMessage.all().update(status=MessageStatus.QUEUED, attempts=0, sent_at=None,
                                     next_attempt_at=datetime(2000, 1, 1, tzinfo=UTC))


async def send_all(sender: MailSender, count: int) -> tuple[float, float]:
    """Seconds to send them all, and this process's CPU seconds meanwhile (the SMTP server's are its own)."""
    started, cpu = time.perf_counter(), time.process_time()
    sent = 0
    while sent < count:
        sent += await sender.send_due()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    await sender.stop()
    return elapsed, cpu


class ConnectionPerMail(MailSender):
    """Atelier's sender, except that every message gets a connection of its own (connect, EHLO, send, QUIT): the
    same composing, the same marking, only the connection differs."""

    async def _deliver(self, email: EmailMessage, recipient: str) -> None:
        await super()._deliver(email, recipient)
        await self._quit()


async def throughput(count: int, rounds: int, port: int) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="atelier-mail-"))
    try:
        await database.open_database(database.sqlite_url(data_dir))
        workshop = await workshops.create_workshop(title="Réinventons la place du Marché", created_by=None)
        workshop.description = "Le marché va être rénové : que voulez-vous y trouver ?"
        await workshop.save()
        session = await workshops.add_session(workshop, date(2027, 3, 4), clock_time(18, 30))
        links = PersonalLinks(b"a secret for this benchmark only, 32 bytes at least")
        await write_invitations(workshop, session, count, links, prefix="invitee")
        composer = Composer(public_url="https://atelier.ville.example", mail_from=MAIL_FROM, links=links,
                            clock=SystemClock())
        sample = await composer.compose(await OutboxMessage.all().order_by("id").first())  # type: ignore[arg-type]
        reused: list[float] = []
        fresh: list[float] = []
        cpu: dict[str, list[float]] = {"reused": [], "fresh": []}  # ms per mail
        connections: list[int] = []
        for number in range(1, rounds + 1):
            await requeue()
            sender = MailSender(composer, SmtpServer("127.0.0.1", port, implicit_tls=False), SystemClock(),
                                local_hostname="atelier.ville.example")
            seconds, cpu_seconds = await send_all(sender, count)
            reused.append(count / seconds)
            cpu["reused"].append(cpu_seconds * 1000 / count)
            connections.append(sender.connections_opened)
            log(f"round {number}: one connection {count / seconds:.0f} mails/s ({sender.connections_opened} "
                "connection)")
            await requeue()
            sender = ConnectionPerMail(composer, SmtpServer("127.0.0.1", port, implicit_tls=False), SystemClock(),
                                       local_hostname="atelier.ville.example")
            seconds, cpu_seconds = await send_all(sender, count)
            fresh.append(count / seconds)
            cpu["fresh"].append(cpu_seconds * 1000 / count)
            log(f"round {number}: a connection per mail {count / seconds:.0f} mails/s ({sender.connections_opened} "
                "connections)")
        return {"count": count, "rounds": rounds, "reused": reused, "fresh": fresh, "connections": connections,
                "cpu": cpu, "bytes": len(sample.email.as_bytes())}
    finally:
        await database.close_database()
        shutil.rmtree(data_dir, ignore_errors=True)


# ------------------------------------------------------------------ part 2: next step while mail goes

class MailingServer(Server):
    """live_fanout's `atelier demo`, sending its mail to the local SMTP server."""

    def __init__(self, *args: Any, smtp_port: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.smtp_port = smtp_port

    def command(self) -> list[str]:
        return [*super().command(), "--smtp-url", f"smtp://127.0.0.1:{self.smtp_port}",
                "--mail-from", str(MAIL_FROM)]


async def sent_count(data_dir: Path) -> tuple[int, list[datetime]]:
    """From the running server's database (read in this process): how many sent, and when."""
    sent = await OutboxMessage.filter(status=MessageStatus.SENT).values_list("sent_at", flat=True)
    return len(sent), [instant for instant in sent if isinstance(instant, datetime)]


class MailBench(Bench):
    def __init__(self, options: argparse.Namespace, smtp_port: int) -> None:
        super().__init__(options)
        self.server = MailingServer(self.server.port, self.server.data_dir, self.server.log_path, smtp_port=smtp_port)

    async def run(self) -> dict[str, Any]:
        options = self.options
        import aiohttp

        self.connector = aiohttp.TCPConnector(limit=0, force_close=True)
        log(f"starting `atelier demo --smtp-url …` on port {self.server.port}")
        await self.server.start()
        self._ack_task = asyncio.create_task(self.ack_loop())
        try:
            self.moderator = await self.sign_in_moderator()
            self.participants = [Participant(i, f"Participant {i + 1:03d}", Browser(self))
                                 for i in range(options.participants)]
            limit = asyncio.Semaphore(options.concurrency)
            joined: list[float] = []

            async def join_one(participant: Participant) -> None:
                async with limit:
                    await self.join(participant, joined)

            log(f"{options.participants} participants join")
            await asyncio.gather(*(join_one(p) for p in self.participants))
            await self.moderator_click("door_front", "open the doors")
            stage_limit = asyncio.Semaphore(options.page_loads)
            await asyncio.gather(*(self.go_on_stage(p, stage_limit) for p in self.participants))
            await self.wait_until(lambda: all(p.page and p.page.sio.connected for p in self.participants), 60,
                                  "every stage page to be connected")
            await asyncio.sleep(options.settle)

            steps: list[dict[str, Any]] = []
            log("start, and two steps without mail")
            steps.append({**(await self.measure_step("start → step 1", STEP_TITLES[0], "play_arrow")).summary(),
                          "mail": False})
            for number in (1, 2):
                await asyncio.sleep(options.pause)
                steps.append({**(await self.measure_step(f"next → step {number + 1}", STEP_TITLES[number],
                                                         "skip_next")).summary(), "mail": False})

            await database.open_database(database.sqlite_url(self.server.data_dir))
            try:
                workshop = await Workshop.get(slug=DEMO_SLUG)
                session = await WorkshopSession.filter(workshop=workshop).order_by("starts_at").first()
                secret = atelier.load_secrets(self.server.data_dir)["personal_links_secret"].encode()
                log(f"{options.mails} invitations written to the outbox")
                written_at = datetime.now(UTC)
                await write_invitations(workshop, session, options.mails, PersonalLinks(secret), prefix="bench")
                await self.wait_until_async(lambda: sent_count(self.server.data_dir), 60, "the first mail sent")
                for number in (3, 4, 5):
                    await asyncio.sleep(options.pause)
                    before, _ = await sent_count(self.server.data_dir)
                    summary = (await self.measure_step(f"next → step {number + 1}", STEP_TITLES[number],
                                                       "skip_next")).summary()
                    after, _ = await sent_count(self.server.data_dir)
                    steps.append({**summary, "mail": before < after, "mails_during": after - before})
                    log(f"step {number + 1}: p95 {fmt_ms(summary['p95'])}, {after - before} mails sent meanwhile")
                deadline = time.monotonic() + 300
                while (await sent_count(self.server.data_dir))[0] < options.mails:
                    if time.monotonic() > deadline:
                        raise BenchmarkError("the mails were not all sent within 5 minutes")
                    await asyncio.sleep(0.5)
                _, instants = await sent_count(self.server.data_dir)
            finally:
                await database.close_database()
            first, last = min(instants), max(instants)
            return {"steps": steps, "mails": options.mails, "participants": options.participants,
                    "in_server_rate": options.mails / max((last - first).total_seconds(), 1e-3),
                    "written_to_last_sent_s": (last - written_at).total_seconds()}
        finally:
            await self.shutdown()

    async def wait_until_async(self, count: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while (await count())[0] == 0:
            if time.monotonic() > deadline:
                raise BenchmarkError(f"timed out after {timeout:.0f} s waiting for {what}")
            await asyncio.sleep(0.05)


# ------------------------------------------------------------------ report

def report(throughput_results: dict[str, Any] | None, live: dict[str, Any] | None) -> list[str]:
    missed = []
    print(f"\nMail benchmark, {datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
          f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, load average at the end "
          f"{os.getloadavg()[0]:.1f} (other programs included)")
    if throughput_results:
        reused = statistics.median(throughput_results["reused"])
        fresh = statistics.median(throughput_results["fresh"])
        print(f"\n{throughput_results['count']} invitations (about {throughput_results['bytes'] / 1024:.0f} kB each), "
              f"{throughput_results['rounds']} rounds, median mails per second:\n")
        cpu = throughput_results["cpu"]
        print("| connection                 | mails/s (each round)            | median | CPU per mail (Atelier) |")
        print("|----------------------------|---------------------------------|--------|------------------------|")
        print(f"| one, reused                | {', '.join(f'{v:.0f}' for v in throughput_results['reused']):<31} "
              f"| {reused:>6.0f} | {statistics.median(cpu['reused']):>19.1f} ms |")
        print(f"| a new one per mail         | {', '.join(f'{v:.0f}' for v in throughput_results['fresh']):<31} "
              f"| {fresh:>6.0f} | {statistics.median(cpu['fresh']):>19.1f} ms |")
        ok = reused >= THROUGHPUT_TARGET
        print(f"\nratio reused / fresh: {reused / fresh:.2f}; target ≥ {THROUGHPUT_TARGET:.0f}/s with one "
              f"connection: {'✔' if ok else '✘'}; connections opened per round: {throughput_results['connections']}")
        if not ok:
            missed.append("throughput")
    if live:
        print(f"\nNext step with {live['participants']} participants, {live['mails']} invitations written "
              "before step 4:\n")
        print("| step                | mail going | mails sent meanwhile | p50    | p95    | max    |")
        print("|---------------------|------------|----------------------|--------|--------|--------|")
        for step in live["steps"]:
            print(f"| {step['label']:<19} | {'yes' if step['mail'] else 'no':<10} | "
                  f"{step.get('mails_during', ''):<20} | {fmt_ms(step['p50']):>6} | {fmt_ms(step['p95']):>6} | "
                  f"{fmt_ms(step['max']):>6} |")
        during = [step["p95"] for step in live["steps"] if step["mail"] and step["p95"] is not None]
        quiet = [step["p95"] for step in live["steps"][1:] if not step["mail"] and step["p95"] is not None]
        worst = max(during) if during else None
        ok = worst is not None and worst <= STEP_TARGET_MS
        print(f"\nworst next-step p95 while mail goes: {fmt_ms(worst)} (without mail: {fmt_ms(max(quiet))}; ratio "
              f"{worst / max(quiet):.2f}); target ≤ {STEP_TARGET_MS:.0f} ms: {'✔' if ok else '✘'}" if worst and quiet
              else "no step was measured while mail was going: raise --mails")
        print(f"sending inside the running server: {live['in_server_rate']:.0f} mails/s; all {live['mails']} sent "
              f"{live['written_to_last_sent_s']:.1f} s after they were written")
        if not ok:
            missed.append("next step while mail goes")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mails", type=int, default=None, help="invitations (default 1000, 200 with --quick)")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds, each way (default 3)")
    parser.add_argument("--participants", type=int, default=None, help="stage pages (default 100, 20 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--throughput-only", action="store_true", help="part 1 only")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--concurrency", type=int, default=8, help="participants joining at once (default 8)")
    parser.add_argument("--page-loads", type=int, default=16, help="stage pages loading at once (default 16)")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds between all on stage and the start")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between steps (default 1)")
    options = parser.parse_args(argv)
    options.mails = options.mails or (200 if options.quick else 1000)
    options.participants = options.participants or (20 if options.quick else 100)
    options.rounds = 1 if options.quick else options.rounds
    options.no_compression = False  # what live_fanout's pages read: sockets offer compression as browsers do
    options.server_root = Path(__file__).resolve().parent.parent

    with smtp_server() as port:
        log(f"local SMTP server (aiosmtpd, Sink) on port {port}")
        throughput_results = asyncio.run(throughput(options.mails, options.rounds, port))
        live = None
        if not options.throughput_only:
            bench = MailBench(options, port)
            try:
                live = asyncio.run(bench.run())
            except BenchmarkError as problem:
                print(f"benchmark failed: {problem}\nserver log tail:\n{bench.server.log_tail()}", file=sys.stderr)
                return 2
            finally:
                shutil.rmtree(bench.data_dir, ignore_errors=True)
    missed = report(throughput_results, live)
    return 1 if options.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
