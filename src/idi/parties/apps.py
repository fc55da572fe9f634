from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "idi.parties"
    label = "parties"
    verbose_name = "参与单位 / Parties"

    def ready(self) -> None:
        from idi.core.registry import Hook, provide
        from idi.parties import demo

        provide(Hook.DEMO_LOADERS, demo.load)
