"""`make bench`: the scale benchmark of issue 8.

    .venv/bin/python bench/run.py                      # 10,000 then 100,000 complaints
    .venv/bin/python bench/run.py --complaints 10000   # one size (repeat the flag for several)

For each size, `bench/size.py` (a process of its own) builds a fresh PostgreSQL database
`bench_<n>`, loads the dataset with COPY, serves it with gunicorn on 127.0.0.1 and measures each
page with wrk as a signed-in user, then the queries per page and the reminder sweep. This script
sets the environment, runs the sizes, prints the table, checks the targets of issue 8 and writes
`var/bench/results.json` (one object per page and size, plus the sweep) and `var/bench/detail.json`.

Load goes to 127.0.0.1 only, bounded per page by a duration and a request count. The databases
are kept after the run (for EXPLAIN); the bench's Redis database (15 by default) is flushed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "var" / "bench"

TARGET_PAGE_RATIO = 25
TARGET_REPORT_RATIO = 100
TARGET_GROWTH = 1.3
TARGET_QUERIES = 15
TARGET_SWEEP_S = 10


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version()}
    try:
        mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
        info["ram_gib"] = round(int(mem) / 1024 / 1024, 1)
        cpu = next(ln for ln in Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name"))
        info["cpu"] = cpu.split(":", 1)[1].strip()
    except (OSError, StopIteration, IndexError, ValueError):
        pass
    try:
        import psycopg2

        conn = psycopg2.connect(os.environ["BENCH_PG_URL"].rstrip("/") + "/postgres")
        with conn.cursor() as cur:
            cur.execute("SHOW server_version")
            info["postgresql"] = cur.fetchone()[0]
        conn.close()
    except Exception as exc:  # the size run will fail loudly anyway
        info["postgresql"] = f"unknown ({exc})"
    try:
        import redis

        info["redis"] = redis.Redis.from_url(os.environ["REDIS_URL"]).info()["redis_version"]
    except Exception:
        info["redis"] = "unknown"
    info["loadavg_at_start"] = os.getloadavg()[0]
    return info


def bench_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        BENCH_PG_URL=args.pg_url,
        REDIS_URL=args.redis_url,
        PRODUCTION="1",
        DEBUG="0",
        SECRET_KEY="bench-only-not-a-secret-0123456789abcdef0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("DATABASE_URL", None)
    return env


def fmt_num(value, spec=".1f") -> str:
    return "–" if value is None else format(value, spec)


def print_size_table(pages: list[dict]) -> None:
    head = (
        f"{'page':<46} {'n':>7} {'median ms':>10} {'p95 ms':>9} {'rps':>7} {'queries':>7} {'ratio':>7} "
        f"{'rows':>6} {'floor ms':>8} {'load':>5}"
    )
    print(head)
    print("-" * len(head))
    for p in pages:
        if p.get("skipped") or p.get("error"):
            print(f"{p['name']:<46} {p['n']:>7} {p.get('skipped') or p.get('error')}")
            continue
        print(
            f"{p['name']:<46} {p['n']:>7} {fmt_num(p['median_ms'], '.2f'):>10} {fmt_num(p['p95_ms'], '.2f'):>9} "
            f"{fmt_num(p['rps']):>7} {p.get('queries', '–'):>7} {fmt_num(p.get('ratio')):>7} {p.get('rows', ''):>6} "
            f"{fmt_num(p.get('floor_ms'), '.2f'):>8} {fmt_num(p.get('loadavg'), '.1f'):>5}"
        )


def add_ratios(data: dict) -> None:
    """Ratio to the floor of the same run: the median of the floor runs made next to every page.

    One floor sample per page is noisy on a shared machine (other processes come and go); the
    median of all of them, taken across the whole run, is what each page is divided by."""
    floors = [p["floor_ms"] for p in data["pages"] if p.get("floor_ms")]
    data["floor_ms"] = round(statistics.median(floors), 3) if floors else None
    for p in data["pages"]:
        if data["floor_ms"] and p.get("median_ms"):
            p["ratio"] = round(p["median_ms"] / data["floor_ms"], 1)


def check_targets(by_size: dict[int, dict]) -> list[dict]:
    """Issue 8's targets, at the largest size run (and growth against the smallest)."""
    sizes = sorted(by_size)
    big, small = sizes[-1], sizes[0]
    pages_big = {p["name"]: p for p in by_size[big]["pages"]}
    pages_small = {p["name"]: p for p in by_size[small]["pages"]}
    checks = []

    def add(target, subject, ok, detail):
        checks.append({"target": target, "subject": subject, "pass": ok, "detail": detail})

    for name, p in pages_big.items():
        if p.get("skipped"):
            add("built", name, None, p["skipped"])
            continue
        if p.get("error"):
            add("answers", name, False, p["error"])
            continue
        q = pages_small.get(name, {})
        if p["group"] == "page":
            add(
                f"median <= {TARGET_PAGE_RATIO}x floor",
                name,
                p["ratio"] <= TARGET_PAGE_RATIO,
                f"{p['ratio']}x at {big:,}",
            )
        if p["group"] == "report":
            add(
                f"median <= {TARGET_REPORT_RATIO}x floor",
                name,
                p["ratio"] <= TARGET_REPORT_RATIO,
                f"{p['ratio']}x at {big:,}",
            )
        if p["group"] in ("page", "report") and big != small and q.get("ratio"):
            growth = p["ratio"] / q["ratio"]
            add(
                f"ratio growth <= {TARGET_GROWTH}x",
                name,
                growth <= TARGET_GROWTH,
                f"{q['ratio']}x at {small:,} -> {p['ratio']}x at {big:,} ({growth:.2f}x)",
            )
        if p["group"] in ("page", "report", "csv"):
            add(f"queries <= {TARGET_QUERIES}", name, p["queries"] <= TARGET_QUERIES, f"{p['queries']} at {big:,}")
            if big != small and "queries" in q:
                add(
                    "same queries at every size",
                    name,
                    p["queries"] == q["queries"],
                    f"{q['queries']} at {small:,}, {p['queries']} at {big:,}",
                )
        if p["group"] == "csv" and big != small and q.get("peak_kib"):
            grow_rows = p.get("rows", 0) / max(1, q.get("rows", 0))
            grow_mem = p["peak_kib"] / max(1, q["peak_kib"])
            add(
                "CSV streams (memory flat)",
                name,
                grow_mem <= 1.5,
                f"peak {q['peak_kib']} KiB -> {p['peak_kib']} KiB ({grow_mem:.1f}x) for {grow_rows:.1f}x the rows",
            )
    for n in sizes:
        s = by_size[n]["sweep"]
        if not s:
            continue
        add(
            f"sweep + digests < {TARGET_SWEEP_S} s",
            f"n={n:,}",
            s["total_s"] < TARGET_SWEEP_S,
            f"{s['total_s']} s, {s['total_queries']} queries, {s['due_obligations']:,} due obligations, "
            f"{s['digests']} digests",
        )
    if big != small and by_size[big]["sweep"] and by_size[small]["sweep"]:
        sb, ss = by_size[big]["sweep"], by_size[small]["sweep"]
        # queries should follow batches (and recipients), not items
        per_item_big = sb["total_queries"] / max(1, sb["due_obligations"])
        add(
            "sweep queries grow with batches, not items",
            "sweep + digests",
            sb["sweep_queries"] <= ss["sweep_queries"] + 4 * (sb["batches"] - ss["batches"]) + 4,
            f"sweep {ss['sweep_queries']} -> {sb['sweep_queries']} queries for {ss['batches']} -> {sb['batches']} "
            f"batches; digests {ss['send_queries']} -> {sb['send_queries']} queries for {ss['digests']} -> "
            f"{sb['digests']} digests ({per_item_big:.3f} queries per due obligation at {big:,})",
        )
    return checks


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--complaints", type=int, action="append", help="dataset size (repeatable); default 10000 and 100000"
    )
    ap.add_argument("--cases", type=int, help="Ombudsman cases (default: complaints / 20)")
    ap.add_argument("--recommendations", type=int, help="recommendations (default: 4 per case)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument(
        "--duration", type=float, default=4.5, help="seconds of load per page, over all rounds (default 4.5)"
    )
    ap.add_argument(
        "--max-requests", type=int, default=750, help="requests per page at most, over all rounds (default 750)"
    )
    ap.add_argument("--rounds", type=int, default=3, help="passes over the pages, each with its floor (default 3)")
    ap.add_argument("--connections", type=int, default=2, help="concurrent connections (default 2 = workers)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    ap.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    ap.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"))
    ap.add_argument("--check-fks", action="store_true", help="keep FK triggers on during the load (slower)")
    ap.add_argument("--no-reminder-history", action="store_true", help="no past reminders and digests")
    ap.add_argument("--report-only", action="store_true", help="rebuild the table from var/bench/size-*.json")
    ap.add_argument("--reuse", action="store_true", help="reuse bench_<n> loaded by an earlier run (migrate only)")
    ap.add_argument("--only", action="append", help="only pages whose name contains this (repeatable); floor kept")
    ap.add_argument("--no-sweep", action="store_true", help="skip the reminder sweep and digests")
    args = ap.parse_args(argv)
    sizes = args.complaints or [10_000, 100_000]
    for host in (args.pg_url, args.redis_url):
        if "127.0.0.1" not in host and "localhost" not in host:
            ap.error("the benchmark only runs against services on this machine (127.0.0.1)")

    env = bench_env(args)
    os.environ.update({k: env[k] for k in ("BENCH_PG_URL", "REDIS_URL")})
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    info = machine()
    print(f"[bench] machine: {json.dumps(info)}", flush=True)
    if not args.report_only:
        print("[bench] collectstatic (PRODUCTION=1 serves the manifest through WhiteNoise)", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
        )

    by_size: dict[int, dict] = {}
    for n in sizes:
        out = OUT_DIR / f"size-{n}.json"
        if args.report_only:
            by_size[n] = json.loads(out.read_text())
            add_ratios(by_size[n])
            continue
        cmd = [
            sys.executable,
            "-m",
            "bench.size",
            "--complaints",
            str(n),
            "--out",
            str(out),
            "--seed",
            str(args.seed),
            "--duration",
            str(args.duration),
            "--max-requests",
            str(args.max_requests),
            "--connections",
            str(args.connections),
            "--rounds",
            str(args.rounds),
            "--workers",
            str(args.workers),
        ]
        for flag, value in (("--cases", args.cases), ("--recommendations", args.recommendations)):
            if value is not None:
                cmd += [flag, str(value)]
        if args.check_fks:
            cmd.append("--check-fks")
        if args.no_reminder_history:
            cmd.append("--no-reminder-history")
        if args.reuse:
            cmd.append("--reuse")
        if args.no_sweep:
            cmd.append("--no-sweep")
        for only in args.only or ():
            cmd += ["--only", only]
        subprocess.run(cmd, cwd=BASE_DIR, env=env, check=True)
        by_size[n] = json.loads(out.read_text())
        add_ratios(by_size[n])

    rows, detail = [], {"machine": info, "sizes": {}}
    for n, data in by_size.items():
        for p in data["pages"]:
            p["n"] = n
            rows.append(
                {
                    k: p.get(k)
                    for k in (
                        "name",
                        "n",
                        "median_ms",
                        "p95_ms",
                        "rps",
                        "queries",
                        "ratio",
                        "rows",
                        "url",
                        "user",
                        "group",
                        "requests",
                        "errors",
                        "tool",
                        "db_ms",
                        "floor_ms",
                        "loadavg",
                        "peak_kib",
                        "skipped",
                        "error",
                        "note",
                    )
                    if p.get(k) is not None
                }
            )
        s = data["sweep"]
        if s:
            rows.append({"name": "reminder sweep + digests", "n": n, "sweep": True, **s})
        detail["sizes"][n] = {
            "generation": data["generation"],
            "slowest_queries": {p["name"]: p.get("slowest_queries") for p in data["pages"]},
        }
    checks = check_targets(by_size)
    detail["targets"] = checks
    detail["elapsed_s"] = round(time.perf_counter() - started, 1)
    (OUT_DIR / "results.json").write_text(json.dumps(rows, indent=1, default=str))
    (OUT_DIR / "detail.json").write_text(json.dumps(detail, indent=1, default=str))

    print()
    for n, data in by_size.items():
        g = data["generation"]
        print(
            f"== {n:,} complaints: generated in {g['generate_s']} s ({g['rows']:,} rows; migrate "
            f"{g['schema_s']} s, VACUUM ANALYZE {g['vacuum_analyze_s']} s)"
        )
        print_size_table(data["pages"])
        s = data["sweep"]
        print() if not s else print(
            f"reminder sweep + digests: {s['total_s']} s in all ({s['total_queries']} queries): sweep "
            f"{s['sweep_s']} s / {s['sweep_queries']} queries for {s['due_obligations']:,} due obligations "
            f"({s['reminders_recorded']:,} reminders, {s['batches']} batches); prepare {s['prepare_s']} s; "
            f"{s['digests']} digests sent in {s['send_s']} s / {s['send_queries']} queries; "
            f"{s['ms_per_due_obligation']} ms per due obligation; rerun {s['rerun_sweep_s']} s"
        )
        print()
    print("== targets (issue 8)")
    for c in checks:
        verdict = {True: "PASS", False: "FAIL", None: "SKIP"}[c["pass"]]
        print(f"{verdict:<5} {c['target']:<34} {c['subject']:<46} {c['detail']}")
    print(f"\n[bench] done in {detail['elapsed_s']:.0f} s; wrote {OUT_DIR / 'results.json'} and detail.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
