"""One dataset size, end to end, in its own process (Django's settings are read once per process).

    python -m bench.size --complaints 10000 --out var/bench/size-10000.json

1. a fresh database `bench_<n>`: DROP/CREATE, migrate, load_bank_holidays, then the COPY load
   (`bench.dataset`) and VACUUM ANALYZE;
2. gunicorn (2 workers, PRODUCTION=1, DEBUG off) on a free port of 127.0.0.1, and wrk (or the
   Python client) against each page as a user signed in through the real form;
3. the queries per page, in-process with Django's test client, the same session and URL;
4. the reminder sweep and the digests over the whole dataset, with the locmem email backend.

`bench/run.py` sets the environment (database, Redis, production settings) before starting it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import psycopg2

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def admin_dsn(database_url: str) -> str:
    """The same server, database `postgres`: where DROP/CREATE DATABASE run."""
    head, _, _ = database_url.rpartition("/")
    return head + "/postgres"


def recreate_database(database_url: str, name: str) -> None:
    conn = psycopg2.connect(admin_dsn(database_url))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def database_exists(database_url: str, name: str) -> bool:
    conn = psycopg2.connect(admin_dsn(database_url))
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cur.fetchone() is not None
    conn.close()
    return found


def vacuum_analyze(database_url: str) -> None:
    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--complaints", type=int, required=True)
    ap.add_argument("--cases", type=int)
    ap.add_argument("--recommendations", type=int)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--duration", type=float, default=3.0)
    ap.add_argument("--max-requests", type=int, default=200)
    ap.add_argument("--connections", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--check-fks", action="store_true")
    ap.add_argument("--no-reminder-history", action="store_true")
    ap.add_argument("--out", required=True)
    ap.add_argument("--reuse", action="store_true", help="keep bench_<n> if it was loaded before (migrate only)")
    ap.add_argument("--only", action="append", help="measure only pages whose name contains this (repeatable)")
    ap.add_argument("--no-sweep", action="store_true", help="skip the reminder sweep and digests")
    ap.add_argument("--sweep-only", action="store_true", help="measure only the reminder sweep and digests (no pages)")
    ap.add_argument(
        "--reset-today",
        action="store_true",
        help="BENCH ONLY: first delete today's reminders and digests in bench_<n>, so the sweep finds today's work "
        "again (implied by --reuse: a reused database may have been swept today)",
    )
    args = ap.parse_args(argv)

    n = args.complaints
    cases = args.cases if args.cases is not None else n // 20
    recs = args.recommendations if args.recommendations is not None else cases * 4
    db_name = f"bench_{n}"
    database_url = os.environ["BENCH_PG_URL"].rstrip("/") + "/" + db_name
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result: dict = {"n": n, "database": db_name, "pages": [], "sweep": {}, "generation": {}}

    gen_file = BASE_DIR / "var" / "bench" / f"gen-{n}.json"
    if args.reuse and gen_file.exists() and database_exists(database_url, db_name):
        import django

        django.setup()
        from django.core.cache import cache
        from django.core.management import call_command
        from django.utils import timezone

        log(f"{db_name}: reusing the loaded database (migrate only)")
        call_command("migrate", verbosity=0, interactive=False)
        cache.clear()
        saved = json.loads(gen_file.read_text())
        gen, result["generation"] = saved["gen"], saved["generation"]
        today = timezone.localdate()
    else:
        log(f"{db_name}: fresh database, migrate, bank holidays")
        t0 = time.perf_counter()
        recreate_database(database_url, db_name)
        import django

        django.setup()
        from django.core.cache import cache
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_bank_holidays", verbosity=0)
        cache.clear()  # the bench's own Redis database: calendars cached from another size must go
        t_schema = time.perf_counter() - t0

        from django.db import connection
        from django.utils import timezone

        from bench import dataset

        today = timezone.localdate()
        log(
            f"{db_name}: generating {n:,} complaints, {cases:,} Ombudsman cases, {recs:,} recommendations "
            f"(today {today}, seed {args.seed})"
        )
        gen = dataset.generate(
            complaints=n,
            cases=cases,
            recommendations=recs,
            today=today,
            seed=args.seed,
            reminder_history=not args.no_reminder_history,
            check_foreign_keys=args.check_fks,
        )
        connection.close()
        t1 = time.perf_counter()
        vacuum_analyze(database_url)
        t_vacuum = time.perf_counter() - t1
        gen_s = gen["timings"]["total_s"]
        log(
            f"{db_name}: generated in {gen_s:.1f} s (simulation {gen['timings']['simulate_s']:.1f} s, "
            f"{sum(gen['tables'].values()):,} rows); migrate + holidays {t_schema:.1f} s; VACUUM ANALYZE {t_vacuum:.1f} s"
        )
        log(f"{db_name}: {json.dumps(gen['counts'])}")
        result["generation"] = {
            "generate_s": gen_s,
            "simulate_s": gen["timings"]["simulate_s"],
            "schema_s": round(t_schema, 1),
            "vacuum_analyze_s": round(t_vacuum, 1),
            "rows": sum(gen["tables"].values()),
            "counts": gen["counts"],
            "tables": gen["tables"],
            "today": today.isoformat(),
            "seed": args.seed,
        }
        gen_file.parent.mkdir(parents=True, exist_ok=True)
        gen_file.write_text(
            json.dumps({"gen": {"bench_users": gen["bench_users"]}, "generation": result["generation"]}, default=str)
        )

    if args.sweep_only:
        if args.reset_today or args.reuse:
            reset_today(today)
        result["sweep"] = measure_sweep(today)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=1, default=str))
        return 0

    pages = choose_pages(gen["bench_users"], today)
    if args.only:
        pages = [p for i, p in enumerate(pages) if i == 0 or any(o.lower() in p["name"].lower() for o in args.only)]
    port = free_port()
    server = start_gunicorn(port, args.workers, BASE_DIR / "var" / "bench" / f"gunicorn-{n}.log")
    try:
        from bench import dataset, load

        wait_ready(port)
        cookies = {
            role: load.sign_in(port, username, dataset.BENCH_PASSWORD) for role, username in dataset.BENCH_USERS.items()
        }
        cookies["anonymous"] = ""
        log(
            f"{db_name}: gunicorn on 127.0.0.1:{port} ({args.workers} workers); "
            f"{'wrk' if load.have_wrk() else 'Python client'}, {args.connections} connections, "
            f"{args.duration:g} s or {args.max_requests} requests per page in {args.rounds} rounds"
        )
        measured = []
        for page in pages:
            if page.get("skipped"):
                result["pages"].append(page)
                log(f"  {page['name']:<48} {page['skipped']}")
                continue
            status, headers, body, _ = load.request(port, page["url"], cookie=cookies[page["user"]])
            page["status"] = status
            page["bytes"] = len(body)
            page["rows"] = body.count(b"<tr") if b"<html" in body[:2000].lower() else max(0, body.count(b"\n") - 1)
            if status != page["expect"]:
                page["error"] = f"answered {status}, expected {page['expect']}"
                result["pages"].append(page)
                log(f"  {page['name']:<48} ERROR {page['error']}")
                continue
            measured.append(page)
        # Every page is measured in `rounds` rounds, one pass over all the pages each, with the floor
        # measured again right before each page in each round: a shared machine drifts and has bursts
        # of load from elsewhere, and a burst then spoils one round of a page, not the whole page.
        # A page's median, p95 and floor are the medians of its rounds'.
        floor_page = pages[0]
        for round_number in range(1, args.rounds + 1):
            for page in measured:
                adjacent = load.measure(
                    port,
                    floor_page["url"],
                    cookie="",
                    duration=1,
                    max_requests=300,
                    connections=args.connections,
                    warmup=False,
                )
                stats = load.measure(
                    port,
                    page["url"],
                    cookie=cookies[page["user"]],
                    duration=args.duration / args.rounds,
                    max_requests=max(10, args.max_requests // args.rounds),
                    connections=args.connections,
                    warmup=round_number == 1,
                )
                stats["floor_ms"] = adjacent["median_ms"]
                stats["loadavg"] = round(os.getloadavg()[0], 2)
                page.setdefault("rounds", []).append(stats)
                log(
                    f"  {page['name']:<48} round {round_number}: median {stats['median_ms']:8.2f} ms  "
                    f"p95 {stats['p95_ms']:8.2f} ms  {stats['rps']:7.1f} rps  ({stats['requests']} requests, "
                    f"{page['rows']} rows; floor next to it {adjacent['median_ms']:.2f} ms; load {stats['loadavg']})"
                )
        for page in measured:
            page.update(combine_rounds(page["rounds"]))
            result["pages"].append(page)
    finally:
        stop(server)
        log(f"{db_name}: gunicorn stopped")

    count_queries(result["pages"], cookies)
    measure_csv_memory(result["pages"], cookies)
    if not args.no_sweep:
        if args.reset_today or args.reuse:
            reset_today(today)
        result["sweep"] = measure_sweep(today)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1, default=str))
    return 0


def combine_rounds(rounds: list[dict]) -> dict:
    """One page's figures from its rounds: the median of the rounds' medians, p95s and floors, the
    requests of all of them, and their requests per second on average."""
    combined = {key: value for key, value in rounds[0].items() if not isinstance(value, (int, float))}
    for key in ("median_ms", "p95_ms", "floor_ms", "loadavg"):
        combined[key] = round(statistics.median(r[key] for r in rounds), 3)
    combined["requests"] = sum(r["requests"] for r in rounds)
    combined["errors"] = sum(r.get("errors", 0) for r in rounds)
    combined["rps"] = round(statistics.fmean(r["rps"] for r in rounds), 1)
    combined["round_medians_ms"] = [r["median_ms"] for r in rounds]
    return combined


# --------------------------------------------------------------------------------------- pages
def choose_pages(bench_users: dict, today: dt.date) -> list[dict]:
    """The pages of issue 8, each with the user who opens it and the status it should answer."""
    from django.db.models import Count
    from django.urls import Resolver404, resolve

    from accounts.models import User
    from complaints import selectors
    from complaints.models import Complaint
    from ombudsman_cases.models import OmbudsmanCase

    cw = User.objects.get(pk=bench_users["caseworker"])
    mgr = User.objects.get(pk=bench_users["manager"])
    admin = User.objects.get(pk=bench_users["admin"])
    area = cw.service_areas.order_by("id").first()
    # The list's "Last" link (keyset pages: the end of the list in reverse, not a page number).
    visible = selectors.complaint_list(user=cw, filters={}, today=today).count()
    admin_visible = selectors.complaint_list(user=admin, filters={}, today=today).count()
    # A complaint page with a realistic history: two stages, documents and actions, in the caseworker's area.
    complaint = (
        Complaint.objects.filter(service_area=area, status="closed", current_stage_number=2)
        .annotate(docs=Count("documents", distinct=True), acts=Count("actions", distinct=True))
        .filter(docs__gte=2, acts__gte=1, is_restricted=False)
        .order_by("-received_on", "-id")
        .first()
    )
    case = (
        OmbudsmanCase.objects.filter(service_area__in=mgr.service_areas.all(), is_restricted=False)
        .annotate(recs=Count("recommendations"))
        .filter(recs__gte=4)
        .order_by("-received_on", "-id")
        .first()
    )
    year = today.year - 1

    def exists(path: str) -> bool:
        try:
            resolve(path)
            return True
        except Resolver404:
            return False

    # The floors: /ping and /accounts/ping (config.views) when they exist, else the closest views
    # that run no query and render no template.
    floor_url = "/ping" if exists("/ping") else "/reminders/"
    signed_floor_url = "/accounts/ping" if exists("/accounts/ping") else "/accounts/sign-in/"
    fy = today.year if today.month >= 4 else today.year - 1
    year = fy - 1  # the last complete financial year (1 April to 31 March)
    pages = [
        (
            "floor",
            "anonymous",
            floor_url,
            200 if floor_url == "/ping" else 302,
            "floor",
            "trivial view: no session, no query, no template",
        ),
        (
            "signed-in floor",
            "caseworker",
            signed_floor_url,
            200 if signed_floor_url == "/accounts/ping" else 302,
            "floor",
            "signed-in trivial view: session and user loaded, session saved",
        ),
        (
            "signed-in page shell",
            "caseworker",
            "/accounts/password/",
            200,
            "info",
            "base template, navigation and a crispy form, no domain data",
        ),
        ("my work (caseworker home)", "caseworker", "/", 200, "page", "caseworker with 20 open complaints"),
        ("complaint list, default", "caseworker", "/complaints/", 200, "page", ""),
        (
            "complaint list, service area + open",
            "caseworker",
            f"/complaints/?service_area={area.pk}&status=open",
            200,
            "page",
            "",
        ),
        ("complaint list, searched by name", "caseworker", f"/complaints/?q={dataset_surname()}", 200, "page", ""),
        (
            "complaint list, last page",
            "caseworker",
            "/complaints/?page=last",
            200,
            "page",
            f"the last of {visible:,} visible",
        ),
        ("complaint page", "caseworker", f"/complaints/{complaint.pk}/", 200, "page", complaint.reference),
        ("overdue view (manager home)", "manager", "/", 200, "page", "3 of 30 service areas"),
        ("Ombudsman case page", "manager", f"/ombudsman/{case.pk}/", 200, "page", case.reference),
        ("overdue CSV", "manager", "/ombudsman/overdue.csv", 200, "csv", ""),
        ("complaint list, all areas (admin)", "admin", "/complaints/", 200, "info", ""),
        (
            "complaint list, all areas, last page (admin)",
            "admin",
            "/complaints/?page=last",
            200,
            "info",
            f"the last of {admin_visible:,} visible",
        ),
        ("Ombudsman case list (manager)", "manager", "/ombudsman/", 200, "page", ""),
        ("overdue CSV, all areas (admin)", "admin", "/ombudsman/overdue.csv", 200, "info", ""),
    ]
    out = [dict(zip(("name", "user", "url", "expect", "group", "note"), p, strict=True)) for p in pages]
    if exists("/healthz"):
        out.insert(
            2,
            {
                "name": "healthz (DB + Redis)",
                "user": "anonymous",
                "url": "/healthz",
                "expect": 200,
                "group": "info",
                "note": "",
            },
        )
    report_name = f"performance report {year}-{(year + 1) % 100:02d}"
    if exists("/reports/performance/"):
        out.append(
            {
                "name": report_name,
                "user": "manager",
                "url": f"/reports/performance/?year={year}",
                "expect": 200,
                "group": "report",
                "note": "manager: 3 service areas",
            }
        )
        out.append(
            {
                "name": report_name + " (admin)",
                "user": "admin",
                "url": f"/reports/performance/?year={year}",
                "expect": 200,
                "group": "info",
                "note": "all service areas",
            }
        )
        csv_url = next((u for u in ("/reports/performance/stages.csv", "/reports/performance.csv") if exists(u)), None)
        if csv_url:
            out.append(
                {
                    "name": "performance stages CSV",
                    "user": "manager",
                    "url": f"{csv_url}?year={year}",
                    "expect": 200,
                    "group": "csv",
                    "note": "every stage in the year",
                }
            )
        else:
            out.append(
                {
                    "name": "performance stages CSV",
                    "user": "manager",
                    "url": "",
                    "group": "csv",
                    "skipped": "skipped: no CSV URL found under /reports/performance",
                }
            )
    else:
        for name, group in ((report_name, "report"), ("performance stages CSV", "csv")):
            out.append(
                {
                    "name": name,
                    "user": "manager",
                    "url": "",
                    "group": group,
                    "skipped": "skipped: not built (/reports/performance/ does not resolve)",
                }
            )
    return out


def dataset_surname() -> str:
    from bench.dataset import SEARCH_SURNAME

    return SEARCH_SURNAME


# ------------------------------------------------------------------------------------ gunicorn
def start_gunicorn(port: int, workers: int, logfile: Path) -> subprocess.Popen:
    logfile.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    cmd = [
        gunicorn,
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
    ]
    handle = open(logfile, "w")
    return subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(port: int, timeout: float = 60) -> None:
    from bench import load

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _, _ = load.request(port, "/accounts/sign-in/", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute (see var/bench/gunicorn-*.log)")


def stop(server: subprocess.Popen) -> None:
    """Stop the gunicorn we started: SIGTERM to its own process group, then wait."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


# ------------------------------------------------------------------------------------- queries
def _client(cookie: str):
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    if cookie:
        client.cookies.load(cookie)
    return client


def _consume(response) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def count_queries(pages: list[dict], cookies: dict) -> None:
    """Queries per page, in-process, with the same session and URL as the load run."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for page in pages:
        if page.get("skipped") or page.get("error"):
            continue
        client = _client(cookies[page["user"]])
        _consume(client.get(page["url"]))  # same warm state as the load run
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page["url"])
            _consume(response)
        page["queries"] = len(ctx.captured_queries)
        timed = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)
        page["db_ms"] = round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 1)
        page["slowest_queries"] = [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"]} for q in timed[:3]]


def measure_csv_memory(pages: list[dict], cookies: dict) -> None:
    """Peak Python memory while a CSV is produced and consumed: flat if it really streams."""
    for page in pages:
        if page.get("skipped") or page.get("error") or not page["url"].split("?")[0].endswith((".csv", "csv/")):
            continue
        client = _client(cookies[page["user"]])
        tracemalloc.start()
        size = _consume(client.get(page["url"]))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        page["peak_kib"] = round(peak / 1024)
        page["csv_bytes"] = size


# --------------------------------------------------------------------------------------- sweep
def reset_today(today: dt.date) -> None:
    """BENCH ONLY (a bench_<n> database): forget today's reminders and digests, so that measuring
    the sweep again finds the same work as the first run of the day. Never run on real data."""
    from django.db import connection, transaction

    from reminders.models import Digest, Reminder

    assert connection.settings_dict["NAME"].startswith("bench_"), "reset_today is for bench databases only"
    with transaction.atomic():
        Reminder.objects.filter(digest__day=today).update(digest=None)
        reminders, _ = Reminder.objects.filter(created_on=today).delete()
        digests, _ = Digest.objects.filter(day=today).delete()
    log(f"bench only: deleted today's {reminders:,} reminders and {digests:,} digests ({today})")


def measure_sweep(today: dt.date) -> dict:
    from django.core import mail
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from reminders import services
    from reminders.models import Obligation

    out: dict = {"today": today.isoformat()}
    out["open_obligations"] = Obligation.objects.filter(done_on__isnull=True).count()
    mail.outbox = []
    with CaptureQueriesContext(connection) as q:
        t0 = time.perf_counter()
        result = services.sweep(today=today)
        sweep_s = time.perf_counter() - t0
    out.update(
        sweep_s=round(sweep_s, 3),
        sweep_queries=len(q.captured_queries),
        due_obligations=result.obligations,
        reminders_recorded=result.recorded,
        batches=result.batches,
    )
    with CaptureQueriesContext(connection) as q:
        t0 = time.perf_counter()
        with transaction.atomic():
            digest_ids = services.prepare_digests(today=today)
        prepare_s = time.perf_counter() - t0
    out.update(prepare_s=round(prepare_s, 3), prepare_queries=len(q.captured_queries), digests=len(digest_ids))
    # As the sweep task queues them: batches of SEND_BATCH digests, each one send task.
    outcomes: dict[str, int] = {}
    send_batches = 0
    with CaptureQueriesContext(connection) as q:
        t0 = time.perf_counter()
        queue = list(digest_ids)
        while queue:
            batch, queue = queue[: services.SEND_BATCH], queue[services.SEND_BATCH :]
            sent = services.send_digests(digest_ids=batch, today=today)
            send_batches += 1
            queue += sent.ids("released")
            for what in sent.outcomes.values():
                if what != "released":
                    outcomes[what] = outcomes.get(what, 0) + 1
        send_s = time.perf_counter() - t0
    out.update(
        send_s=round(send_s, 3),
        send_queries=len(q.captured_queries),
        send_batches=send_batches,
        emails=len(mail.outbox),
        outcomes=outcomes,
    )
    total = sweep_s + prepare_s + send_s
    out["total_s"] = round(total, 3)
    out["total_queries"] = out["sweep_queries"] + out["prepare_queries"] + out["send_queries"]
    out["ms_per_due_obligation"] = round(total * 1000 / max(1, result.obligations), 3)
    out["queries_per_digest"] = round(out["send_queries"] / max(1, len(digest_ids)), 1)
    with CaptureQueriesContext(connection) as q:
        t0 = time.perf_counter()
        again = services.sweep(today=today)
        out["rerun_sweep_s"] = round(time.perf_counter() - t0, 3)
    out["rerun_queries"] = len(q.captured_queries)
    out["rerun_recorded"] = again.recorded
    # the slowest statements of the first sweep (evidence for the report)
    log(
        f"sweep: {result.obligations:,} due obligations, {result.recorded:,} reminders in {sweep_s:.2f} s "
        f"({out['sweep_queries']} queries); {len(digest_ids)} digests prepared in {prepare_s:.2f} s and sent in "
        f"{send_s:.2f} s ({out['send_queries']} queries); total {total:.2f} s; rerun {out['rerun_sweep_s']:.2f} s"
    )
    return out


if __name__ == "__main__":
    sys.exit(main())
