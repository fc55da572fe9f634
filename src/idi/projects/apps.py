from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "idi.projects"
    label = "projects"
    verbose_name = "项目 / Projects"

    def ready(self) -> None:
        from idi.core.registry import Hook, provide
        from idi.projects import demo

        provide(Hook.DEMO_LOADERS, demo.load)
