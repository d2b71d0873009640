"""`make bench`: seed a reproducible site, serve it with gunicorn as production would, and
drive each scenario from a second process; print a table and write it as JSON.

Scenarios (16 connections, 5 s warm-up, 20 s measured, unless overridden):
  1. hot article (300 comments), anonymous reader   4. search, a 2-character query
  2. home page                                      5. mixed: 90 % hot reads, 8 % votes, 2 % comments
  3. category page deep in the tree, page 50        6. a static file the size of the hot page
Pure-read scenarios use wrk when it is installed (apt-get install wrk), else the Python
generator in bench/loadgen.py; the mixed scenario always uses the Python generator, because it
checks that every write shows on the very next read.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devtools.bench import loadgen

BASE_DIR = Path(__file__).resolve().parents[2]  # the checkout
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str = "/healthz", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            client = loadgen.Client("127.0.0.1", port)
            status, _headers, _body = client.request("GET", path)
            client.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


def stop(process: subprocess.Popen | None, sig: signal.Signals, *, timeout: float) -> None:
    """Ask a server started here to stop with ``sig``; kill it if it has not after
    ``timeout`` seconds."""
    if process and process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


class Server:
    """gunicorn with the production settings (DEBUG off) and the documented worker count."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.env = env | {"KIJI_BIND": f"127.0.0.1:{self.port}"}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(
            [
                gunicorn,
                "config.wsgi",
                "--config",
                "deploy/gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(self.port)
        return self

    def worker_rss_mb(self) -> list[float]:
        import psutil

        assert self.process is not None, "only inside the with block"
        master = psutil.Process(self.process.pid)
        return [round(child.memory_info().rss / 2**20, 1) for child in master.children()]

    def __exit__(self, *exc) -> None:
        stop(self.process, signal.SIGTERM, timeout=30)  # gunicorn: graceful shutdown


def wrk(
    url: str, *, connections: int, warmup: float, duration: float, headers: dict | None = None
) -> dict:
    """Run wrk (warm-up run discarded) and return its JSON summary line."""
    script = str(HERE / "wrk_report.lua")
    threads = str(min(2, connections))
    header_args = [
        arg for key, value in (headers or {}).items() for arg in ("-H", f"{key}: {value}")
    ]
    warm = subprocess.run(
        [
            "wrk",
            "-t",
            threads,
            "-c",
            str(connections),
            "-d",
            f"{max(1, round(warmup))}s",
            *header_args,
            url,
        ],
        capture_output=True,
        text=True,
    )
    if warm.returncode:
        raise RuntimeError(f"wrk failed on {url}: {warm.stdout} {warm.stderr}")
    result = subprocess.run(
        [
            "wrk",
            "-t",
            threads,
            "-c",
            str(connections),
            "-d",
            f"{max(1, round(duration))}s",
            "-s",
            script,
            *header_args,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("{"))
    summary = json.loads(line)
    summary["generator"] = "wrk"
    return summary


def python_reads(
    port: int,
    path: str,
    *,
    connections: int,
    warmup: float,
    duration: float,
    headers: dict | None = None,
) -> dict:
    def step(client: loadgen.Client, result: loadgen.Result, n: int) -> None:
        loadgen.timed(client, result, "read", "GET", path, headers=headers)

    result = loadgen.run(
        host="127.0.0.1",
        port=port,
        connections=connections,
        warmup=warmup,
        duration=duration,
        step=step,
    )
    summary = result.summary()
    summary.update(
        errors=result.errors, non_2xx=sum(c for s, c in result.statuses.items() if s >= 300)
    )
    summary["generator"] = "python"
    return summary


def read_scenario(
    port: int,
    path: str,
    *,
    connections: int,
    warmup: float,
    duration: float,
    headers: dict | None = None,
) -> dict:
    """Requests/s and latency of GET `path` (wrk when installed, else the Python generator)."""
    load: dict[str, Any] = {
        "connections": connections,
        "warmup": warmup,
        "duration": duration,
        "headers": headers,
    }
    if shutil.which("wrk"):
        return wrk(f"http://127.0.0.1:{port}{path}", **load)
    return python_reads(port, path, **load)


_COUNTS = re.compile(r"<span data-count>(\d+)</span>")


def shown_counts(html: str, comment_id: int) -> tuple[int, int] | None:
    """The (up, down) counts the page shows for one comment."""
    start = html.find(f'id="comment-{comment_id}">')
    if start < 0:
        return None
    counts = _COUNTS.findall(html, start, start + 6000)
    return (int(counts[0]), int(counts[1])) if len(counts) >= 2 else None


def mixed_scenario(
    port: int,
    article_path: str,
    article_id: int,
    comment_ids: list[int],
    *,
    connections: int,
    warmup: float,
    duration: float,
    on_comment: Callable[[str, int], None] | None = None,
) -> dict:
    """90 % reads of the hot article, 8 % votes, 2 % new comments; each write is checked on the
    very next read by the same reader. ``on_comment(body, status)`` hears of every comment
    posted (the soak counts the accepted ones in the database afterwards)."""
    rng = random.Random(7)
    stale: dict[str, list[str]] = {"writer": [], "observer": []}

    def new_reader(index: int) -> loadgen.Client:
        return loadgen.Client("127.0.0.1", port, forwarded_for=f"10.{index}.0.1")

    def next_reads(writer: loadgen.Client) -> list[tuple[str, str]]:
        """The page as the writer sees it next (with the per-reader state its script fetches),
        and as a new anonymous reader sees it."""
        observer = loadgen.Client(
            "127.0.0.1", port, forwarded_for=f"192.168.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        )
        try:
            pages = [("writer", writer.request("GET", article_path)[2])]
            writer.request(
                "GET", f"/comments/me/{article_id}/", headers={"Accept": "application/json"}
            )
            pages.append(("observer", observer.request("GET", article_path)[2]))
            return pages
        finally:
            observer.close()

    def step(client: loadgen.Client, result: loadgen.Result, n: int) -> None:
        roll = rng.random()
        if roll < 0.90:
            loadgen.timed(client, result, "read", "GET", article_path)
            return
        # A write comes from a new reader (own address, own cookies), as in a real spike.
        writer = loadgen.Client(
            "127.0.0.1",
            port,
            forwarded_for=f"172.{rng.randrange(16, 32)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        )
        try:
            writer.request("GET", article_path)
            writer.cookies["kiji_js"] = "1"  # what comments.js sets on the page it enhances
            if roll < 0.98:
                comment_id = rng.choice(comment_ids)
                status, _h, body = loadgen.timed(
                    writer,
                    result,
                    "vote",
                    "POST",
                    f"/comments/{comment_id}/vote/",
                    form={"value": rng.choice(["up", "down"])},
                    headers={"Accept": "application/json"},
                )
                if status != 200:
                    result.failures.append(f"vote HTTP {status}: {body[:120]}")
                    return
                answer = json.loads(body)
                # The voter and a new anonymous reader must both see at least these counts
                # (others may have voted since); a shared cache in front may keep the
                # observer's copy up to s-maxage seconds, never the writer's.
                for who, after in next_reads(writer):
                    shown = shown_counts(after, comment_id)
                    if (
                        shown is None
                        or shown[0] < answer["upvotes"]
                        or shown[1] < answer["downvotes"]
                    ):
                        stale[who].append(
                            f"vote on {comment_id}: answered {answer}, page shows {shown}"
                        )
            else:
                text = f"ベンチマークの投稿 {time.time_ns()}"
                status, _h, body = loadgen.timed(
                    writer,
                    result,
                    "comment",
                    "POST",
                    f"/comments/post/{article_id}/",
                    form={"author_name": "", "body": text},
                    headers={"Accept": "application/json"},
                )
                if on_comment is not None:
                    on_comment(text, status)
                if status not in (200, 201):
                    result.failures.append(f"comment HTTP {status}: {body[:120]}")
                    return
                for who, after in next_reads(writer):
                    if text not in after:
                        stale[who].append(f"comment {text!r} missing on the next read")
        finally:
            writer.close()

    result = loadgen.run(
        host="127.0.0.1",
        port=port,
        connections=connections,
        warmup=warmup,
        duration=duration,
        step=step,
        client_factory=new_reader,
    )
    return {
        "all": result.summary(),
        "read": result.summary("read"),
        "vote": result.summary("vote"),
        "comment": result.summary("comment"),
        "errors": result.errors,
        "statuses": dict(sorted(result.statuses.items())),
        "failures": result.failures[:10],
        "stale_reads": len(stale["writer"]) + len(stale["observer"]),
        "stale_writer": len(stale["writer"]),
        "stale_observer": len(stale["observer"]),
        "stale_examples": (stale["writer"] + stale["observer"])[:5],
        "generator": "python",
    }


def versions() -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk_version = ""
    if shutil.which("wrk"):
        wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(
            "\n"
        )[0]
    return {
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgres,
        "wrk": wrk_version,
    }


NGINX_CONF = """
{user}
worker_processes 2;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    default_type application/octet-stream;
    upstream kiji_app {{ server 127.0.0.1:{upstream}; keepalive 32; }}
    proxy_cache_path {root}/cache levels=1:2 keys_zone=kiji_pages:20m max_size=256m
                     inactive=10m use_temp_path=off;
    map $cookie_kiji_js $kiji_state_without_script {{ "" $cookie_kiji_browser; default ""; }}
    map "$cookie_sessionid$cookie_messages$cookie_kiji_fresh$kiji_state_without_script"
        $kiji_skip_cache {{ "" 0; default 1; }}
    map $kiji_skip_cache $kiji_uncached_key {{ 0 ""; default $binary_remote_addr; }}
    limit_req_zone $kiji_uncached_key zone=kiji_uncached:10m rate=1000r/s;
    server {{
        listen 127.0.0.1:{port};
        location /bench-static/ {{ alias {root}/static/; gzip_static on; }}
        location / {{
            # As deploy/nginx-kiji-proxy.conf, except that the load generator's X-Forwarded-For
            # passes through: one loopback client plays readers on many addresses.
            proxy_pass http://kiji_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $http_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            include {microcache};
        }}
    }}
}}
"""


class Nginx:
    """nginx in front of gunicorn with the shipped proxy and microcache snippets."""

    def __init__(self, upstream_port: int, root: Path) -> None:
        self.port = free_port()
        self.root = root
        self.upstream = upstream_port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Nginx:
        if self.root.exists():
            shutil.rmtree(self.root)
        (self.root / "static").mkdir(parents=True)
        # The shipped microcache snippet, in front of this run's gunicorn.
        conf = NGINX_CONF.format(
            user="user root;" if os.geteuid() == 0 else "",
            root=self.root,
            upstream=self.upstream,
            port=self.port,
            microcache=BASE_DIR / "deploy" / "nginx-kiji-microcache.conf",
        )
        (self.root / "nginx.conf").write_text(conf)
        self.process = subprocess.Popen(
            ["nginx", "-p", str(self.root), "-c", str(self.root / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    errors = self.process.stderr.read() if self.process.stderr else ""
                    raise RuntimeError(f"nginx failed: {errors}") from None
                time.sleep(0.1)
        raise RuntimeError("nginx did not start")

    def static_copy(self, name: str, html: bytes) -> str:
        """A static copy of a page (with its .gz, as gzip_static serves) under /bench-static/."""
        import gzip as gzip_module

        (self.root / "static" / name).write_bytes(html)
        (self.root / "static" / f"{name}.gz").write_bytes(gzip_module.compress(html, 6))
        return f"/bench-static/{name}"

    def __exit__(self, *exc) -> None:
        stop(self.process, signal.SIGQUIT, timeout=10)  # nginx: graceful shutdown


def reads_during_writes(
    port: int,
    path: str,
    mixed_args: tuple,
    *,
    connections: int,
    warmup: float,
    duration: float,
    headers: dict | None = None,
) -> dict:
    """Reads of ``path`` measured while a smaller mixed read/vote/comment load runs beside it."""
    import threading

    writes: dict = {}
    writer = threading.Thread(
        target=lambda: writes.update(
            mixed_scenario(port, *mixed_args, connections=4, warmup=warmup, duration=duration + 2)
        )
    )
    writer.start()
    try:
        reads = read_scenario(
            port, path, connections=connections, warmup=warmup, duration=duration, headers=headers
        )
    finally:
        writer.join()
    reads["writes_during"] = {
        "vote": writes.get("vote"),
        "comment": writes.get("comment"),
        "stale_writer": writes.get("stale_writer"),
        "stale_observer (within s-maxage)": writes.get("stale_observer"),
    }
    return reads


def paced_polls(port: int, path: str, *, readers: int, every: float, duration: float) -> dict:
    """``readers`` open pages polling ``path`` every ``every`` seconds (wrk, one connection a
    reader, bench/wrk_poll.lua): the live thread's load as a crowd makes it."""
    result = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(readers),
            "-d",
            f"{max(1, round(duration))}s",
            "--timeout",
            "10s",
            "-s",
            str(HERE / "wrk_poll.lua"),
            "-H",
            "Accept-Encoding: gzip",
            f"http://127.0.0.1:{port}{path}",
        ],
        check=True,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "KIJI_POLL_MS": str(int(every * 1000)),
            "KIJI_WRK_REPORT": str(HERE / "wrk_report.lua"),
        },
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("{"))
    summary = json.loads(line)
    summary["generator"] = "wrk"
    summary["readers"] = readers
    return summary
