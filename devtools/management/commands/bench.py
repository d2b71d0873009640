"""`make bench`: the performance benchmark (not a test). See bench/run.py for the scenarios."""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from devtools.bench import run, seed


def clear_page_caches() -> None:
    """Forget every page, frame and thread fragment, keeping the sidebar widgets' caches (a cold
    article page: nothing of it rendered yet, on a site that is already serving)."""
    caches["pages"].clear()
    store = getattr(cache, "_cache", None)
    if store is None:  # not the per-process cache: forget everything
        cache.clear()
        return
    for key in [key for key in store if ":kiji:frame:" in key or ":kiji:thread:" in key]:
        cache.delete(key.split(":", 2)[2])


# What --scenarios chooses from: the numbers of the printed table.
SCENARIO_NUMBERS = ("1", "1b", "2", "3", "4", "5", "6", "7", "7b", "8", "8b")


class Command(BaseCommand):
    help = "Seed the benchmark site (once), serve it with gunicorn and print the scenario table."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--warmup", type=float, default=5)
        parser.add_argument("--duration", type=float, default=20)
        parser.add_argument("--reseed", action="store_true")
        parser.add_argument(
            "--scenarios",
            default="",
            help=(
                "Comma-separated scenario numbers to run (e.g. '5' for the mixed load only, "
                "'1,1b,5'); default: all of them. Numbers as in the printed table."
            ),
        )

    def handle(
        self,
        *args,
        connections: int,
        warmup: float,
        duration: float,
        reseed: bool,
        scenarios: str,
        **options,
    ):
        wanted = {part.strip() for part in scenarios.split(",") if part.strip()}
        unknown = wanted - set(SCENARIO_NUMBERS)
        if unknown:
            raise CommandError(
                f"Unknown scenarios {sorted(unknown)}; choose from {', '.join(SCENARIO_NUMBERS)}."
            )

        def chosen(number: str) -> bool:
            return not wanted or number in wanted

        pgdata = os.environ.get("KIJI_PGDATA", "")
        if "bench" not in Path(pgdata).name or os.environ.get("DATABASE_URL"):
            raise CommandError("bench replaces its database's content: run it with `make bench`.")
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        if reseed or not seed.is_seeded():
            self.stdout.write("Seeding the benchmark data set (once; later runs reuse it)…")
            seed.seed(write=self.stdout.write)
        targets = seed.scenario_targets()
        hot_path = targets["hot_article_path"]
        # Static files first: pages name their hashed CSS/JS through the manifest.
        call_command("collectstatic", interactive=False, verbosity=0)

        self.stdout.write("Counting queries and profiling the hot article's render…")
        queries = self._queries(targets)
        render = self._render_profile(hot_path)
        ceiling, page_bytes = self._ceiling_file(hot_path)

        env = {
            **os.environ,
            "DEBUG": "0",
            "HTTPS": "0",
            "TRUSTED_PROXIES": "127.0.0.1/32",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        load: dict[str, Any] = {"connections": connections, "warmup": warmup, "duration": duration}
        results: dict[str, dict] = {}
        gzip_header = {"Accept-Encoding": "gzip"}  # what every browser sends
        mixed_args = (hot_path, targets["hot_article_id"], targets["hot_comment_ids"])
        with run.Server(env) as server:
            port = server.port
            reads = [
                ("1. hot article (cached)", hot_path, gzip_header),
                (
                    "1b. hot article (personal render)",
                    hot_path,
                    gzip_header | {"Cookie": f"kiji_browser={self._browser_cookie(hot_path)}"},
                ),
                ("2. home page", "/", gzip_header),
                ("3. category, depth 3, page 50", targets["category_path"], gzip_header),
                ("4. search, 2 characters", targets["search_path"], gzip_header),
                ("6. static file, same size", ceiling, {}),
            ]
            for name, path, headers in reads:
                if not chosen(name.split(".")[0]):
                    continue
                self.stdout.write(f"  {name}: {path}")
                results[name] = run.read_scenario(port, path, headers=headers, **load)
            poll_path = self._poll_path(hot_path, targets["hot_article_id"])
            if chosen("8"):
                self.stdout.write(f"  8. live thread poll, nothing new: {poll_path}")
                results["8. live poll (nothing new)"] = run.read_scenario(
                    port, poll_path, headers=gzip_header, **(load | {"connections": 64})
                )
                results["8. live poll (nothing new)"]["bytes"] = len(
                    Client(HTTP_HOST="127.0.0.1").get(poll_path).content
                )
            if chosen("5"):
                self.stdout.write("  5. mixed: 90 % reads, 8 % votes, 2 % comments")
                results["5. mixed"] = run.mixed_scenario(port, *mixed_args, **load)
            behind_nginx = any(chosen(number) for number in ("7", "7b", "8b"))
            if behind_nginx and shutil.which("nginx") and shutil.which("wrk"):
                self.stdout.write("  7. behind nginx (shipped microcache), mixed writes going on")
                with run.Nginx(port, Path(settings.VAR_DIR) / "bench" / "nginx") as nginx:
                    html = Client(HTTP_HOST="127.0.0.1").get(hot_path).content
                    static = nginx.static_copy("hot.html", html)
                    if chosen("7"):
                        results["7. nginx: hot article"] = run.reads_during_writes(
                            nginx.port, hot_path, mixed_args, headers=gzip_header, **load
                        )
                    if chosen("7b"):
                        results["7b. nginx: static copy"] = run.reads_during_writes(
                            nginx.port, static, mixed_args, headers=gzip_header, **load
                        )
                    # Through nginx, as deployed: gunicorn's sync workers would each wait on one
                    # idle reader's connection, nginx hands them only complete requests.
                    if chosen("8b"):
                        self.stdout.write(
                            "  8b. 1,000 readers with the page open, polling every 15 s"
                        )
                        results["8b. 1,000 readers polling"] = run.paced_polls(
                            nginx.port,
                            poll_path,
                            readers=1000,
                            every=15,
                            duration=max(30, duration),
                        )
            elif behind_nginx:
                self.stdout.write("  7. skipped: apt-get install nginx wrk")
            memory = server.worker_rss_mb()
        report = {
            "machine": run.versions(),
            "load": load,
            "workers": len(memory),
            "worker_rss_mb": memory,
            "queries_per_request": queries,
            "hot_render_ms": render,
            "hot_page_bytes": page_bytes,
            "hot_comments": Comment.objects.filter(article_id=targets["hot_article_id"]).count(),
            "scenarios": results,
            "total_seconds": round(time.monotonic() - started),
        }
        self._print(report)
        out = Path(settings.VAR_DIR) / "bench"
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        self.stdout.write(f"JSON: {path}")

    def _queries(self, targets: dict) -> dict:
        """SQL queries of one request per page: full render and cached repeat."""
        client = Client(HTTP_HOST="127.0.0.1")
        counts = {}
        pages = {
            "hot article": targets["hot_article_path"],
            "home": "/",
            "category page 50": targets["category_path"],
            "search": targets["search_path"],
        }
        for name, path in pages.items():
            for store in caches.all():
                store.clear()
            with CaptureQueriesContext(connection) as cold:
                assert client.get(path).status_code == 200, path
            with CaptureQueriesContext(connection) as warm:
                assert client.get(path).status_code == 200, path
            counts[name] = {
                "render": len(cold.captured_queries),
                "cached": len(warm.captured_queries),
            }
        return counts

    def _render_profile(self, path: str, runs: int = 20) -> dict:
        """Time the hot article in-process: cold (frame and every thread fragment rendered),
        after one vote (one fragment), and a personal render; print where cold time goes."""
        from comments.models import Comment

        client = Client(HTTP_HOST="127.0.0.1")
        assert client.get(path).status_code == 200, path

        def timed(prepare) -> list[float]:
            times = []
            for _ in range(runs):
                prepare()
                began = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - began) * 1000)
            return sorted(times)

        article_id = int(path.strip("/").split("/")[-1])
        comment = Comment.objects.filter(article_id=article_id, status="visible").last()
        assert comment is not None, "the seeded hot article has visible comments"

        def vote() -> None:
            Comment.objects.filter(pk=comment.pk).update(upvotes=comment.upvotes + len(cold))

        cold = timed(clear_page_caches)
        after_vote = timed(vote)
        personal_client = Client(HTTP_HOST="127.0.0.1")
        # A browser with state (it voted) and no script: its page gets its votes put in.
        personal_client.cookies["kiji_browser"] = self._browser_cookie(path)
        personal = []
        for _ in range(runs):
            began = time.perf_counter()
            personal_client.get(path)
            personal.append((time.perf_counter() - began) * 1000)
        personal.sort()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            clear_page_caches()
            client.get(path)
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(18)
        self.stdout.write("Profile of 5 cold renders of the hot article (cumulative):")
        self.stdout.write("\n".join(stream.getvalue().splitlines()[:45]))

        def summary(times: list[float]) -> dict:
            return {
                "median": round(statistics.median(times), 1),
                "p95": round(times[int(0.95 * (len(times) - 1))], 1),
            }

        return {
            "runs": runs,
            "cold": summary(cold),
            "after_vote": summary(after_vote),
            "personal": summary(personal),
        }

    def _browser_cookie(self, hot_path: str) -> str:
        """A real, signed browser cookie of a reader who voted once on the hot article."""
        if not hasattr(self, "_cookie"):
            client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="203.0.113.77")
            article_id = int(hot_path.strip("/").split("/")[-1])
            comment = Comment.objects.filter(article_id=article_id, status="visible").first()
            assert comment is not None, "the seeded hot article has visible comments"
            client.post(
                f"/comments/{comment.pk}/vote/",
                {"value": "up"},
                HTTP_ACCEPT="application/json",
                HTTP_SEC_FETCH_SITE="same-origin",
            )
            self._cookie = client.cookies["kiji_browser"].value
        return self._cookie

    def _poll_path(self, hot_path: str, article_id: int) -> str:
        """What a reader's page polls while nothing changes: its own version and highest id."""
        import re

        html = Client(HTTP_HOST="127.0.0.1").get(hot_path).content.decode()
        found = re.search(r'data-version="(\d+)"', html)
        assert found is not None, "the article page carries its thread's version"
        version = found.group(1)
        highest = max(int(pk) for pk in re.findall(r'id="comment-(\d+)"', html))
        return f"/comments/changes/{article_id}/?v={version}&after={highest}"

    def _ceiling_file(self, hot_path: str) -> tuple[str, dict]:
        """A static file as large as the hot article page as sent (gzip), served by the same
        gunicorn; and the page's sizes."""
        client = Client(HTTP_HOST="127.0.0.1")
        html = client.get(hot_path).content
        packed = client.get(hot_path, HTTP_ACCEPT_ENCODING="gzip").content
        root = Path(settings.STATIC_ROOT)
        (root / "bench").mkdir(parents=True, exist_ok=True)
        (root / "bench" / "ceiling.bin").write_bytes(packed)
        return f"{settings.STATIC_URL}bench/ceiling.bin", {"html": len(html), "gzip": len(packed)}

    def _print(self, report: dict) -> None:
        machine = report["machine"]
        self.stdout.write("")
        self.stdout.write(
            f"Kiji benchmark — {machine['cores']} cores {machine['machine']}, Python {machine['python']}, "
            f"Django {machine['django']}, PostgreSQL {machine['postgresql']}, {report['workers']} gunicorn "
            f"workers, {report['load']['connections']} connections, {report['load']['duration']:.0f} s "
            f"after {report['load']['warmup']:.0f} s warm-up"
        )
        header = f"{'scenario':40} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}  gen"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, result in report["scenarios"].items():
            if name == "5. mixed":
                for kind in ("all", "read", "vote", "comment"):
                    row = result[kind]
                    self.stdout.write(
                        f"{'5. mixed: ' + kind:40} {row['rps']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} "
                        f"{row['p99_ms']:>8} {result['errors'] if kind == 'all' else '':>7}  python"
                    )
                continue
            errors = result.get("errors", 0) + result.get("non_2xx", 0)
            self.stdout.write(
                f"{name:40} {result['rps']:>8} {result['p50_ms']:>8} {result['p95_ms']:>8} "
                f"{result['p99_ms']:>8} {errors:>7}  {result['generator']}"
            )
        mixed = report["scenarios"].get("5. mixed")
        cached = report["scenarios"].get("1. hot article (cached)")
        ceiling = report["scenarios"].get("6. static file, same size")
        behind = report["scenarios"].get("7. nginx: hot article")
        static = report["scenarios"].get("7b. nginx: static copy")
        self.stdout.write("")
        if mixed:
            self.stdout.write(
                f"Stale reads after a write (mixed): writer {mixed['stale_writer']}, "
                f"new reader {mixed['stale_observer']}  (target 0)"
            )
            for example in mixed["stale_examples"]:
                self.stdout.write(f"  {example}")
            for failure in mixed["failures"][:5]:
                self.stdout.write(f"  failure: {failure}")
        if cached and ceiling:
            self.stdout.write(
                f"Hot article cached / same-size static file from gunicorn: "
                f"{cached['rps'] / ceiling['rps']:.0%}  (target >= 50 %)"
            )
        if behind and static:
            self.stdout.write(
                f"Behind nginx: hot article / static copy: {behind['rps'] / static['rps']:.0%}"
                f"  (target >= 80 %); writes meanwhile: {behind['writes_during']}"
            )
        poll = report["scenarios"].get("8. live poll (nothing new)")
        if poll:
            self.stdout.write(
                f"Live thread poll: {poll['rps']} req/s at 64 connections, {poll['bytes']} bytes "
                f"each: enough for ~{poll['rps'] * 15:.0f} readers polling every 15 s"
            )
        crowd = report["scenarios"].get("8b. 1,000 readers polling")
        if crowd:
            self.stdout.write(
                f"1,000 readers polling every 15 s (through nginx): {crowd['rps']} polls/s "
                f"answered, p95 "
                f"{crowd['p95_ms']} ms, errors {crowd['errors'] + crowd['non_2xx']}"
            )
        render = report["hot_render_ms"]
        for kind, label in (
            ("cold", "cold (frame + every thread)"),
            ("after_vote", "after a vote (one thread)"),
            ("personal", "personal (no script)"),
        ):
            self.stdout.write(
                f"Hot article render in-process, {label}, {render['runs']} runs: "
                f"median {render[kind]['median']} ms, p95 {render[kind]['p95']} ms"
                + ("  (target cold <= 10 ms)" if kind == "cold" else "")
            )
        sizes = report["hot_page_bytes"]
        self.stdout.write(
            f"Hot article HTML ({report['hot_comments']} comments; each run adds some): "
            f"{sizes['html'] / 1024:.0f} KB ({sizes['gzip'] / 1024:.0f} KB gzip)"
            "  (target <= 250 KB for the 320-comment demo article)"
        )
        self.stdout.write("SQL queries per request (full render / cached):")
        for name, counts in report["queries_per_request"].items():
            self.stdout.write(f"  {name:20} {counts['render']:>3} / {counts['cached']}")
        self.stdout.write(
            f"gunicorn worker RSS after the run (MB): {report['worker_rss_mb']}  (target <= 150)"
        )
        self.stdout.write(f"Total time: {report['total_seconds']} s")
