from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "idi.parties"
    label = "parties"
    verbose_name = _("参与单位")

    def ready(self) -> None:
        from idi.core.registry import Hook, provide
        from idi.parties import demo, workspace

        provide(Hook.DEMO_LOADERS, demo.load)
        provide(Hook.TASKS, workspace.tasks)
