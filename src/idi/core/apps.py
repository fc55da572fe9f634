from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "idi.core"
    label = "core"
    verbose_name = "核心 / Core"

    def ready(self) -> None:
        from idi.core import audit, demo
        from idi.core.registry import Hook, provide

        provide(Hook.SWEEPS, ("审计检查点 / audit checkpoint", audit.write_checkpoint))
        provide(Hook.DEMO_LOADERS, demo.load)
