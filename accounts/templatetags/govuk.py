"""Template helpers for the GOV.UK patterns."""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def focus_id(bound_field, field_id: str) -> str:
    """The id an error-summary link should point at: something that can take focus.

    Radios, checkboxes and day/month/year dates have no element with the field's own id
    (it is on a wrapper, or nowhere), so whole-field errors link to their first input. For
    forms rendered by crispy-forms-gds only."""
    widget = bound_field.field.widget
    if field_id != bound_field.auto_id:
        return field_id
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field_id}_1"  # crispy-forms-gds numbers radios and checkboxes from 1
    if isinstance(widget, forms.MultiWidget):
        return f"{field_id}_0"  # the day box of a date
    return field_id


@register.simple_tag
def govuk_text_input(bound_field, width: int = 20):
    """A GOV.UK text input with its label, hint and error messages, for a text or password field.

    The markup of crispy-forms-gds's text input, built in Python: the sign-in and password pages
    use it, as crispy's nested templates took longer than the rest of the page."""
    widget = bound_field.field.widget
    if not isinstance(widget, forms.widgets.Input) or isinstance(widget, forms.FileInput | forms.HiddenInput):
        raise TypeError(f"govuk_text_input renders text-like inputs, not {type(widget).__name__}")
    field_id = bound_field.auto_id
    errors = bound_field.errors
    described_by = []
    hint = ""
    help_text = str(bound_field.help_text)  # once: it may be lazy, and costly (the password rules)
    if help_text:
        described_by.append(f"{field_id}_hint")
        # Help text is HTML, as in Django's own form rendering (e.g. the password rules list).
        hint = format_html('<div id="{}_hint" class="govuk-hint">{}</div>', field_id, mark_safe(help_text))
    messages = []
    for number, error in enumerate(errors, start=1):
        described_by.append(f"{field_id}_{number}_error")
        messages.append(
            format_html(
                '<p id="{}_{}_error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}</p>',
                field_id,
                number,
                error,
            )
        )
    attrs = {
        **widget.attrs,
        "class": f"govuk-input govuk-input--width-{int(width)}" + (" govuk-input--error" if errors else ""),
        "aria-describedby": " ".join(described_by) or None,
        "aria-invalid": "true" if errors else None,
        "id": field_id,
    }
    if not isinstance(widget, forms.PasswordInput) or widget.render_value:
        value = widget.format_value(bound_field.value())
        if value is not None:
            attrs["value"] = value
    return format_html(
        '<div id="div_{id}" class="govuk-form-group{group_error}">'
        '<label for="{id}" class="govuk-label govuk-label--s">{label}</label>{hint}{messages}'
        '<input type="{type}" name="{name}"{attrs}></div>',
        id=field_id,
        group_error=" govuk-form-group--error" if errors else "",
        label=bound_field.label,
        hint=hint,
        messages=mark_safe("".join(messages)),
        type=widget.input_type,
        name=bound_field.html_name,
        attrs=flatatt(attrs),
    )


@register.simple_tag
def govuk_error_summary(form):
    """The GOV.UK error summary of a form of text inputs (see govuk_text_input); nothing without errors.

    Whole-form errors are listed first, without a link; each field's errors link to its input."""
    if not form.errors:
        return ""
    items = [format_html("<li>{}</li>", error) for error in form.non_field_errors()]
    for field in form.visible_fields():
        items.extend(format_html('<li><a href="#{}">{}</a></li>', field.auto_id, error) for error in field.errors)
    return format_html(
        '<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">'
        '<h2 class="govuk-error-summary__title">There is a problem</h2>'
        '<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">{}</ul></div>'
        "</div></div>",
        mark_safe("".join(items)),
    )
