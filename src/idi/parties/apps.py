from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "idi.parties"
    label = "parties"
    verbose_name = "参与单位 / Parties"
