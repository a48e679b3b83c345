"""Generated input at every API operation (schemathesis, from the schema the app serves).

The schema is loaded from the app itself, in-process over WSGI; every operation is called with
input generated from it, as a manager's service-account token, against the seeded world (path ids
are mostly real records, so the calls reach the services and not only the 404). Each answer must
be below 500, every 4xx must be our JSON error, and a refused write must leave nothing behind:
no new or changed rows in the tables a write touches.

API_FUZZ_EXAMPLES (default 25) sets the examples per operation; the whole file runs in about a
minute on SQLite after the world is built.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.db.models import Max, Sum
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from api.services import service_account_save, token_issue

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "25"))
SCHEMA_PATH = "/api/v1/schema/"
# Documentation, not data: nothing to fuzz.
NOT_FUZZED = set()


def _labels() -> list[str]:
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return sorted(f"{method.upper()} {path}" for path, methods in paths.items() for method in methods)


LABELS = _labels()


@contextmanager
def keeping_the_test_connection():
    """Calls through WSGI end with Django closing an old database connection (CONN_MAX_AGE), which
    would close the test's own; Django's test client turns that off around a request, as here."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def served_schema(django_db_blocker):
    with django_db_blocker.unblock(), keeping_the_test_connection():
        return schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())


@pytest.fixture(autouse=True)
def keep_connection():
    with keeping_the_test_connection():
        yield


@pytest.fixture(autouse=True)
def quiet_4xx():
    """Thousands of expected 404s and 400s would bury a real error in the log: keep errors only."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def manager_token(world):
    account = service_account_save(
        by=None,
        username="svc-fuzz",
        display_name="Fuzz",
        role=Role.MANAGER,
        service_areas=[world.areas["housing"]],
    )
    return token_issue(by=None, account=account, name="fuzz")[1]


def real_ids(world) -> dict[str, list[int]]:
    from complaints.models import Procedure

    complaints = [c.pk for (state, kind), c in world.complaints.items() if kind == "open"]
    cases = [world.cases["open"].pk, world.bare_case.pk]
    return {
        "complaints": complaints,
        "cases": cases,
        "procedures": list(Procedure.objects.values_list("pk", flat=True)),
    }


def steer(path: str, params: dict, ids: dict, data) -> dict:
    """Most of the time, put real ids in the path so the call reaches the service behind it."""
    if not params or not data.draw(st.integers(0, 9), label="steer") < 8:
        return params
    params = dict(params)
    if path.startswith("/api/v1/complaints/"):
        params["id"] = data.draw(st.sampled_from(ids["complaints"]), label="complaint")
    elif path.startswith("/api/v1/ombudsman-cases/"):
        from ombudsman_cases.models import Recommendation

        params["id"] = data.draw(st.sampled_from(ids["cases"]), label="case")
        if "rec_pk" in params:
            recs = list(Recommendation.objects.filter(case_id=params["id"]).values_list("pk", flat=True))
            if recs:
                params["rec_pk"] = data.draw(st.sampled_from(recs), label="recommendation")
    elif path.startswith("/api/v1/procedures/"):
        params["id"] = data.draw(st.sampled_from(ids["procedures"]), label="procedure")
    return params


def footprint() -> tuple:
    """What a write can leave behind: row counts and the latest change of every table the API writes."""
    from complaints.models import Action as PromisedAction
    from complaints.models import Complaint, ComplaintEvent, ComplaintStage, Extension, PointOutcome
    from ombudsman_cases.models import CaseEvent, OmbudsmanCase, Recommendation
    from reminders.models import Obligation

    return (
        Complaint.objects.aggregate(n=Max("pk"), u=Max("updated_at")),
        ComplaintStage.objects.aggregate(n=Max("pk"), v=Sum("version")),
        ComplaintEvent.objects.aggregate(n=Max("pk")),
        Extension.objects.aggregate(n=Max("pk")),
        PointOutcome.objects.aggregate(n=Max("pk")),
        PromisedAction.objects.aggregate(n=Max("pk")),
        OmbudsmanCase.objects.aggregate(n=Max("pk")),
        Recommendation.objects.aggregate(n=Max("pk"), v=Sum("version")),
        CaseEvent.objects.aggregate(n=Max("pk")),
        Obligation.objects.count(),
        Complaint.history.count(),
        ComplaintStage.history.count(),
        Recommendation.history.count(),
    )


def test_the_served_schema_has_every_operation(served_schema):
    served = sorted(f"{op.ok().method.upper()} {op.ok().path}" for op in served_schema.get_all_operations())
    assert served == LABELS
    assert len(LABELS) >= 20


@pytest.mark.parametrize("label", [label for label in LABELS if label not in NOT_FUZZED])
def test_generated_input_is_never_a_500_and_a_refused_write_saves_nothing(label, served_schema, world, manager_token):
    operation = served_schema.find_operation_by_label(label)
    ids = real_ids(world)
    auth = {"Authorization": f"Bearer {manager_token}"}
    app = get_wsgi_application()
    write = operation.method.upper() != "GET"
    seen: dict[int, int] = {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), data=st.data())
    def call(case, data):
        case.path_parameters = steer(operation.path, case.path_parameters, ids, data)
        before = footprint() if write else None
        response = case.call(app=app, headers=auth)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, f"{label}: {response.status_code} for {case.as_curl_command()}"
        if response.status_code >= 400:
            body = response.json()
            assert body["status"] == response.status_code and body["detail"], body
            if write:
                assert footprint() == before, f"{label}: refused with {response.status_code} but saved: {body}"

    call()
    assert seen, f"{label}: nothing was generated"
