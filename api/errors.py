"""Every error as JSON: {"status", "code", "detail", "errors": {field: [messages]}}.

The services refuse with Django's `ValidationError` keyed by field (400); a hidden record is
`Http404` (404); a record the account may see but not change is `PermissionDenied` (403); an
edit that lost a race (the version it was based on is no longer current) or an action the
record's state no longer allows is 409.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from complaints.services import StaleEdit
from complaints.workflow import TransitionNotAllowed
from ombudsman_cases.services import StaleRecommendation


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The record changed; read it again."


def _field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [m for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {"non_field_errors": list(error.messages)}


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field" or "field.0.sub": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list) and detail and all(isinstance(d, str) for d in detail):
        out[prefix or "non_field_errors"] = [str(d) for d in detail]
    elif isinstance(detail, list):
        for i, value in enumerate(detail):
            if value:
                out.update(_flatten(value, f"{prefix}.{i}" if prefix else "non_field_errors"))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def exception_handler(exc, context):
    if isinstance(exc, (StaleEdit, StaleRecommendation)):
        exc = Conflict(str(exc.messages[0] if isinstance(exc, StaleRecommendation) else exc), code="stale")
    elif isinstance(exc, TransitionNotAllowed):
        exc = Conflict(str(exc), code="not_allowed_now")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_field_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.values()), ["The request is not valid."])[0]
        body = {"status": 400, "code": "invalid", "detail": first, "errors": errors}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = {"status": response.status_code, "code": code, "detail": str(detail), "errors": {}}
    response.data = body
    return response
