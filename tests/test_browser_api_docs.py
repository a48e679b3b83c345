"""The API docs (Swagger UI from the vendored sidecar files) load in real Chromium under the
site's Content Security Policy: no inline script or style is refused, no other host is asked."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_api_docs_load_under_the_content_security_policy(live_server, page):
    refused, requests = [], []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: requests.append(r.url))
    response = page.goto(live_server.url + "/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    title = page.locator(".swagger-ui .info .title")
    title.wait_for(timeout=15_000)
    assert "API" in title.inner_text()
    page.locator(".opblock-tag", has_text="Complaints").first.wait_for()
    assert page.locator(".opblock").count() >= 20, "the operations are not listed"
    assert not refused, f"the CSP refused: {refused}"
    assert not [u for u in requests if not u.startswith(live_server.url)], "the docs asked another host"
