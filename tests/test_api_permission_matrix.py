"""The permission matrix of the REST API (/api/v1/): every API URL × every persona × open and restricted.

The main matrix (tests/test_permission_matrix.py) leaves `api/` to this file, which walks the
same URL conf and fails on an API URL without a row here. The personas are the world's users
(tests/conftest.py) each given a service-account token, so an API answer can be compared with
the page answer for the same person: the same records are found (404 otherwise, never 403), the
same people may act (403 otherwise), and without a token every endpoint answers 401.

Reads are GETs. Writes are POSTs of an empty body: where the caller may act, the answer is 400
(the fields are missing) — the API's "the form opens"; nothing is changed by any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "handler", "colleague", "outsider", "manager", "admin", "named")
KINDS = ("open", "restricted")


def row(anonymous, handler, colleague, outsider, manager, admin, named) -> dict:
    return dict(zip(PERSONAS, (anonymous, handler, colleague, outsider, manager, admin, named), strict=True))


# fmt: off
#                          anonymous handler colleague outsider manager admin named
PUBLIC        = row(200,     200,    200,      200,     200,    200,  200)
WITH_ROLE     = row(401,     200,    200,      200,     200,    200,  200)
CREATE        = row(401,     400,    400,      400,     400,    400,  400)
# A record: seen in its service area (and by admins) unless restricted; restricted, only by the
# people named on it (the same as the page, tests/test_permission_matrix.py SEE).
SEE = {
    "open":       row(401,   200,    200,      404,     200,    200,  404),
    "restricted": row(401,   200,    404,      404,     404,    404,  200),
}
# Stage actions: whoever may open the complaint may act on it, as on the page.
ACT = {kind: {p: (400 if v == 200 else v) for p, v in answers.items()} for kind, answers in SEE.items()}
# Changing a case or acting on a recommendation: the Link Officer (the recommendation's owner) or
# a manager, once the record is found (as the page's MANAGE).
MANAGE = {
    "open":       row(401,   400,    403,      404,     400,    400,  404),
    "restricted": row(401,   400,    404,      404,     404,    404,  403),
}
# fmt: on


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expect: dict  # kind ("-" for no record) -> persona -> status
    kwargs: Callable = field(default=lambda w, k: {})

    @property
    def label(self) -> str:
        return f"{self.name}[{self.method}]"


def page(name, expect, method="GET", **kw) -> Row:
    return Row(name, method, {"-": expect}, **kw)


def complaint(state):
    return lambda w, k: {"pk": w.complaints[state, k].pk}


def case(w, k):
    return {"pk": w.cases[k].pk}


def rec(w, k):
    return {"pk": w.cases[k].pk, "rec_pk": w.recommendations[k].pk}


ROWS: list[Row] = [
    page("api:schema", PUBLIC),
    page("api:docs", PUBLIC),
    page("api:service_areas", WITH_ROLE),
    page("api:procedures", WITH_ROLE),
    page("api:procedure", WITH_ROLE, kwargs=lambda w, k: {"pk": w.complaints["awaiting", "open"].procedure_id}),
    page("api:stage_rules", WITH_ROLE),
    page("api:bank_holidays", WITH_ROLE),
    page("api:complaints", WITH_ROLE),
    page("api:complaints", CREATE, method="POST"),
    Row("api:complaint", "GET", SEE, complaint("awaiting")),
    Row("api:acknowledge", "POST", ACT, complaint("awaiting")),
    Row("api:extend", "POST", ACT, complaint("awaiting")),
    Row("api:respond", "POST", ACT, complaint("in_progress")),
    Row("api:escalate", "POST", ACT, complaint("responded")),
    Row("api:close", "POST", ACT, complaint("responded")),
    page("api:cases", WITH_ROLE),
    page("api:cases", CREATE, method="POST"),
    Row("api:case", "GET", SEE, case),
    Row("api:recommendations", "GET", SEE, case),
    Row("api:recommendations", "POST", MANAGE, case),
    Row("api:recommendation", "GET", SEE, rec),
    Row("api:recommendation_complete", "POST", MANAGE, rec),
    Row("api:recommendation_evidence_sent", "POST", MANAGE, rec),
    # Any other address under /api/v1/ (here a negative id): JSON 404 for everyone.
    page("api:not_found", row(404, 404, 404, 404, 404, 404, 404), kwargs=lambda w, k: {}),
]


def api_url_names() -> set[str]:
    """Every named URL under api/, from the URL conf (as the main matrix walks it)."""
    found = set()

    def walk(patterns, namespaces, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, [*namespaces, p.namespace] if p.namespace else namespaces, route)
            elif isinstance(p, URLPattern) and route.startswith("api/"):
                found.add(":".join([*namespaces, p.name]) if p.name else route)

    walk(get_resolver().url_patterns, [], "")
    return found


def test_every_api_url_has_a_row_and_every_row_an_api_url():
    names = api_url_names()
    assert len(names) >= 20, f"found only {len(names)} API URLs: is the walk still working?"
    assert not sorted(names - {r.name for r in ROWS}), "API URLs with no row in ROWS: say who may call them"
    assert not sorted({r.name for r in ROWS} - names), "ROWS names API URLs the product no longer serves"


def test_the_main_matrix_defers_api_urls_to_this_file():
    from tests.test_permission_matrix import SERVED  # noqa: PLC0415

    assert not [name for name, route in SERVED if route.startswith("api/")]


def _cases():
    return [
        pytest.param(r, kind, persona, id=f"{r.label}-{kind}-{persona}")
        for r in ROWS
        for kind in r.expect
        for persona in PERSONAS
    ]


@pytest.mark.parametrize(("row_", "kind", "persona"), _cases())
def test_api_permission_matrix(row_, kind, persona, world, api_as):
    client = api_as(persona)
    path = (
        reverse(row_.name, kwargs=row_.kwargs(world, kind))
        if row_.name != "api:not_found"
        else reverse("api:complaints") + "-1/"
    )
    if row_.method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, {}, content_type="application/json")
    expected = row_.expect[kind][persona]
    assert response.status_code == expected, (
        f"{row_.method} {path} ({kind}) as {persona}: expected {expected}, got {response.status_code} "
        f"{response.content[:300]!r}"
    )
    if response.status_code >= 400:
        body = response.json()
        assert body["status"] == response.status_code and body["detail"], body
    if response.status_code == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


# --- lists: the same records as the pages, and every one opens ----------------------------------------


def _all_pages(client, path) -> list[dict]:
    items, url = [], path
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        items += response.json()["results"]
        url = response.json()["next"]
    return items


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_the_complaint_list_shows_what_the_page_lists_and_each_opens(
    persona, world, api_as, as_persona, listed_on_pages
):
    api = api_as(persona)
    listed = _all_pages(api, reverse("api:complaints") + "?page_size=7")
    assert [c["id"] for c in listed] == listed_on_pages(as_persona(persona), reverse("complaints:list"))
    for item in listed:
        assert api.get(reverse("api:complaint", args=[item["id"]])).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_the_case_list_shows_what_the_page_lists_and_each_opens(persona, world, api_as, as_persona, listed_on_pages):
    api = api_as(persona)
    listed = _all_pages(api, reverse("api:cases"))
    assert listed or persona == "outsider", "nothing listed: this test would prove nothing"  # Highways: no cases
    assert [c["id"] for c in listed] == listed_on_pages(as_persona(persona), reverse("ombudsman_cases:list"))
    for item in listed:
        assert api.get(reverse("api:case", args=[item["id"]])).status_code == 200
