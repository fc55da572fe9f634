from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "idi.fund"
    label = "fund"
    verbose_name = "保障基金 / Guarantee fund"
