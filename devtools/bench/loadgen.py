"""A small closed-loop HTTP load generator: N connections, each sending its next request as soon
as the previous answer arrives, for a fixed time after a warm-up.

Used for the scenarios wrk cannot express (the mixed read/vote/comment scenario checks every
write on the next read); wrk drives the pure-read scenarios when it is installed.
"""

from __future__ import annotations

import gzip
import http.client
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode


@dataclass
class Result:
    """Latencies (seconds) and counts of one scenario run."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    failures: list[str] = field(default_factory=list)
    duration: float = 0.0

    def record(self, kind: str, seconds: float, status: int) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    def percentile(self, kind: str | None, pct: float) -> float:
        values = sorted(self.all_latencies() if kind is None else self.latencies.get(kind, []))
        if not values:
            return float("nan")
        index = min(len(values) - 1, max(0, round(pct / 100 * len(values)) - 1))
        return values[index]

    def all_latencies(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]

    def summary(self, kind: str | None = None) -> dict:
        values = self.all_latencies() if kind is None else self.latencies.get(kind, [])
        return {
            "requests": len(values),
            "rps": round(len(values) / self.duration, 1) if self.duration else 0.0,
            "p50_ms": round(self.percentile(kind, 50) * 1000, 2),
            "p95_ms": round(self.percentile(kind, 95) * 1000, 2),
            "p99_ms": round(self.percentile(kind, 99) * 1000, 2),
            "mean_ms": round(statistics.fmean(values) * 1000, 2) if values else float("nan"),
        }


class Client:
    """One keep-alive connection with its own cookies (one simulated reader)."""

    def __init__(self, host: str, port: int, *, forwarded_for: str | None = None) -> None:
        self.host, self.port = host, port
        self.forwarded_for = forwarded_for
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=30)

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ):
        """Send one request; return (status, headers, body text)."""
        # As a browser: compressed pages, and Fetch Metadata on its own forms' posts.
        all_headers = {
            "Host": f"{self.host}:{self.port}",
            "Accept-Language": "ja",
            "Accept-Encoding": "gzip",
        }
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_for:
            all_headers["X-Forwarded-For"] = self.forwarded_for
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            all_headers["Referer"] = f"http://{self.host}:{self.port}{path}"
            all_headers["Sec-Fetch-Site"] = "same-origin"
        all_headers.update(headers or {})
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=all_headers)
                response = self.connection.getresponse()
                raw = response.read()
                if response.headers.get("Content-Encoding") == "gzip":
                    raw = gzip.decompress(raw)
                text = raw.decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[key] = morsel.value
                else:  # a deletion (expired, empty)
                    self.cookies.pop(key, None)
        return response.status, response.headers, text

    def close(self) -> None:
        self.connection.close()


def run(
    *,
    host: str,
    port: int,
    connections: int,
    warmup: float,
    duration: float,
    step: Callable[[Client, Result, int], None],
    client_factory: Callable[[int], Client] | None = None,
) -> Result:
    """Run `step(client, result, n)` in a loop on each connection; measure only after warm-up."""
    result = Result()
    warm = Result()
    start = time.monotonic()
    measure_from = start + warmup
    stop_at = measure_from + duration
    lock = threading.Lock()

    def worker(index: int) -> None:
        client = client_factory(index) if client_factory else Client(host, port)
        n = 0
        while True:
            now = time.monotonic()
            if now >= stop_at:
                break
            target = result if now >= measure_from else warm
            local = Result()
            try:
                step(client, local, n)
            except Exception as error:  # a transport error counts, it never stops the run
                local.errors += 1
                local.failures.append(f"{type(error).__name__}: {error}")
            with lock:
                for kind, values in local.latencies.items():
                    target.latencies.setdefault(kind, []).extend(values)
                for status, count in local.statuses.items():
                    target.statuses[status] = target.statuses.get(status, 0) + count
                target.errors += local.errors
                target.failures.extend(local.failures[:5])
            n += 1
        client.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.duration = duration
    return result


def timed(client: Client, result: Result, kind: str, method: str, path: str, **kwargs):
    """Send one request, record its latency under `kind`, and return (status, headers, body)."""
    began = time.perf_counter()
    status, headers, body = client.request(method, path, **kwargs)
    result.record(kind, time.perf_counter() - began, status)
    if status >= 500:
        result.errors += 1
        result.failures.append(f"{kind} {method} {path}: HTTP {status}")
    return status, headers, body
