from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "idi.core"
    label = "core"
    verbose_name = "核心 / Core"

    def ready(self) -> None:
        from idi.core import demo
        from idi.core.registry import Hook, provide

        provide(Hook.DEMO_LOADERS, demo.load)
