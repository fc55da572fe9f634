from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "idi.projects"
    label = "projects"
    verbose_name = _("项目")

    def ready(self) -> None:
        from idi.core.registry import Hook, provide
        from idi.projects import demo, workspace

        provide(Hook.DEMO_LOADERS, demo.load)
        provide(Hook.TASKS, workspace.tasks)
        provide(Hook.FIGURES, workspace.figures)
