from django.apps import AppConfig


class UnderwritingConfig(AppConfig):
    name = "idi.underwriting"
    label = "underwriting"
    verbose_name = "承保 / Underwriting"

    def ready(self) -> None:
        from idi.core.registry import Hook, provide
        from idi.underwriting import workspace

        provide(Hook.TASKS, workspace.tasks)
        provide(Hook.FIGURES, workspace.figures)
