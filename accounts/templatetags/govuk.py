"""Template helpers for the GOV.UK patterns."""

from django import forms, template

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
