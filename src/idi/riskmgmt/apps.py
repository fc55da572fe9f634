from django.apps import AppConfig


class RiskmgmtConfig(AppConfig):
    name = "idi.riskmgmt"
    label = "riskmgmt"
    verbose_name = "风险管理 / Risk management"

    def ready(self) -> None:
        from idi.core.registry import Hook, provide
        from idi.riskmgmt import demo, selectors, services

        provide(Hook.PROJECT_VISIBILITY, selectors.engaged_projects)
        provide(Hook.PROJECT_PANELS, selectors.project_panels)
        provide(Hook.PERMIT_GUARDS, services.guard_completion)
        provide(Hook.PERMIT_EVENTS, services.record_start_exceptions)
        provide(Hook.TASKS, selectors.tasks_for)
        provide(Hook.DEMO_LOADERS, demo.load)
