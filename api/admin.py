"""Service accounts and their tokens, for admins.

A service account is made here with one role and its service areas (as a person's account);
a token is made for it here and shown once, on the page after saving; it can be revoked but
never deleted, so the history keeps who made it and when.
"""

from django import forms
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from accounts.access import role_of
from accounts.models import Role, ServiceArea
from api import services
from api.models import ApiToken, ServiceAccount


class ServiceAccountForm(forms.ModelForm):
    username = forms.CharField(max_length=150, help_text="For example svc-webform. It appears in every timeline.")
    display_name = forms.CharField(max_length=150, help_text="For example 'Web complaint form'.")
    role = forms.ChoiceField(choices=Role.choices)
    service_areas = forms.ModelMultipleChoiceField(
        queryset=ServiceArea.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(required=False, initial=True, help_text="Untick to switch every token off.")

    class Meta:
        model = ServiceAccount
        fields = ["description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            self.initial.update(
                username=user.username,
                display_name=user.first_name,
                role=role_of(user),
                service_areas=list(user.service_areas.all()),
                is_active=user.is_active,
            )


class TokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    fields = ["name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceAccount)
class ServiceAccountAdmin(SimpleHistoryAdmin):
    form = ServiceAccountForm
    list_display = ["__str__", "description", "created_at"]
    inlines = [TokenInline]

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        account = services.service_account_save(
            by=request.user,
            username=d["username"],
            display_name=d["display_name"],
            role=d["role"],
            service_areas=d["service_areas"],
            description=d["description"],
            is_active=d["is_active"],
            account=obj if change else None,
        )
        obj.pk, obj.user = account.pk, account.user

    def save_related(self, request, form, formsets, change):
        form.save_m2m = lambda: None  # the service has set roles and areas
        super().save_related(request, form, formsets, change)

    def has_delete_permission(self, request, obj=None):
        return False


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["service_account", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    form = TokenForm
    list_display = ["name", "service_account", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["service_account"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["service_account", "name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["service_account", "name"]
        return self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = services.token_issue(by=request.user, account=obj.service_account, name=obj.name)
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if not k.startswith("_")})
        messages.warning(
            request,
            f"The token is {raw} — copy it now: it is not stored and will not be shown again.",
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            services.token_revoke(token=token)
        messages.success(request, f"{len(tokens)} token(s) revoked.")

    def has_delete_permission(self, request, obj=None):
        return False
