from django.apps import AppConfig


class UnderwritingConfig(AppConfig):
    name = "idi.underwriting"
    label = "underwriting"
    verbose_name = "承保 / Underwriting"
