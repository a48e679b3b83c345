"""Run the pages' own Django forms on API input, so a create through the API is checked exactly
as the same create on the page: the same choices (service areas, handlers and owners the
account may pick), the same cross-field rules, the same messages.

JSON values become what a browser would post: a date becomes the GOV.UK day/month/year parts,
a true boolean becomes a ticked box, a record becomes its id.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from rest_framework.exceptions import ValidationError

from complaints.forms import GovDateField


def form_data(form_class: type[forms.Form], values: dict, **form_kwargs) -> dict:
    fields = form_class(**form_kwargs).fields
    data: dict[str, str] = {}
    for name, value in values.items():
        if name not in fields or value is None:
            continue
        if isinstance(fields[name], GovDateField):
            if isinstance(value, dt.date):
                data.update(
                    {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": f"{value.year:04d}"}
                )
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif hasattr(value, "pk"):
            data[name] = str(value.pk)
        elif isinstance(value, (int, Decimal)):
            data[name] = str(value)
        else:
            data[name] = str(value)
    return data


def bound_form(form_class: type[forms.Form], values: dict, **form_kwargs) -> forms.Form:
    """The page's form, bound to the API input and valid; otherwise a 400 naming the fields."""
    form = form_class(form_data(form_class, values, **form_kwargs), **form_kwargs)
    if not form.is_valid():
        raise ValidationError({("non_field_errors" if k == "__all__" else k): list(v) for k, v in form.errors.items()})
    return form
