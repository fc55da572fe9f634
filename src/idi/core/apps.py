from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "idi.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from idi.core import audit, demo
        from idi.core.health import operator_tasks
        from idi.core.registry import Hook, provide

        provide(Hook.TASKS, operator_tasks)
        provide(Hook.SWEEPS, ("审计检查点 / audit checkpoint", audit.write_checkpoint))
        provide(Hook.DEMO_LOADERS, demo.load)
