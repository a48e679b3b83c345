"""Load on loopback only: sign in through the real form, then measure a page with wrk (or, if wrk
is missing, a small Python client). Every run is bounded by a request count and a duration."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import statistics
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

HOST = "127.0.0.1"  # the only address this module ever connects to
LUA = Path(__file__).with_name("wrk_report.lua")


def _cookies(response) -> dict[str, str]:
    out = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            out[name.strip()] = rest.split(";", 1)[0]
    return out


def request(
    port: int,
    path: str,
    *,
    cookie: str = "",
    method: str = "GET",
    body: str | None = None,
    headers: dict | None = None,
    timeout: float = 120,
) -> tuple[int, dict, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        hdrs = {"Host": HOST, **(headers or {})}
        if cookie:
            hdrs["Cookie"] = cookie
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, dict(resp.getheaders()), data, _cookies(resp)
    finally:
        conn.close()


def sign_in(port: int, username: str, password: str) -> str:
    """The real sign-in form (CSRF token, POST, redirect); returns the Cookie header to send after."""
    status, _, html, cookies = request(port, "/accounts/sign-in/")
    if status != 200:
        raise RuntimeError(f"sign-in page answered {status}")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
    csrf = cookies["csrftoken"]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    status, headers, _, cookies = request(
        port,
        "/accounts/sign-in/",
        method="POST",
        body=body,
        cookie=f"csrftoken={csrf}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"sign-in as {username} failed ({status}); nothing else is tried, to keep axes calm")
    return f"csrftoken={csrf}; sessionid={cookies['sessionid']}"


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(port: int, path: str, *, cookie: str, duration: float, max_requests: int, connections: int) -> dict:
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "60s",
        "-s",
        str(LUA),
        "--latency",
    ]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(f"http://{HOST}:{port}{path}")
    env = {"BENCH_MAX_REQUESTS": str(max_requests), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120, env=env)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary: {out.stdout[-500:]} {out.stderr[-500:]}")
    raw = json.loads(line[len("BENCH_JSON ") :])
    seconds = raw["elapsed_us"] / 1e6
    return {
        "requests": raw["requests"],
        "median_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "errors": raw["connect_errors"]
        + raw["read_errors"]
        + raw["write_errors"]
        + raw["status_errors"]
        + raw["timeouts"],
        "tool": "wrk",
    }


def run_python(port: int, path: str, *, cookie: str, duration: float, max_requests: int, connections: int) -> dict:
    """Fallback when wrk is missing: `connections` threads, the same bounds."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker():
        while time.perf_counter() < deadline:
            with lock:
                if len(latencies) >= max_requests:
                    return
            t0 = time.perf_counter()
            try:
                status, _, _, _ = request(port, path, cookie=cookie)
                ok = status < 400
            except OSError:
                ok = False
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                errors[0] += 0 if ok else 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "median_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000 if latencies else 0.0,
        "rps": len(latencies) / seconds if seconds else 0.0,
        "errors": errors[0],
        "tool": "python",
    }


def measure(
    port: int, path: str, *, cookie: str, duration: float, max_requests: int, connections: int, warmup: bool = True
) -> dict:
    runner = run_wrk if have_wrk() else run_python
    if warmup:  # both workers, their connections and caches
        runner(port, path, cookie=cookie, duration=1, max_requests=max(4, connections * 2), connections=connections)
    stats = runner(port, path, cookie=cookie, duration=duration, max_requests=max_requests, connections=connections)
    if stats["requests"] < 3:
        # Slower than the window: time a few requests one at a time instead (bounded to a minute).
        stats = run_python(port, path, cookie=cookie, duration=60, max_requests=3, connections=1)
        stats["tool"] += " (sequential: the page is slower than the load window)"
    return stats
