from django.apps import AppConfig


class OmbudsmanCasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ombudsman_cases"
    verbose_name = "Ombudsman cases"

    def ready(self):
        from ombudsman_cases import signals

        signals.connect()
