from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnderwritingConfig(AppConfig):
    name = "idi.underwriting"
    label = "underwriting"
    verbose_name = _("承保")

    def ready(self) -> None:
        from idi.core.registry import Hook, provide
        from idi.underwriting import demo, selectors, services, views, workspace

        provide(Hook.PROJECT_VISIBILITY, selectors.insured_projects)
        provide(Hook.PERMIT_COLUMNS, views.permit_policy_column)
        provide(Hook.PERMIT_GUARDS, services.guard_construction_start)
        provide(Hook.PERMIT_EVENTS, services.record_period)
        provide(Hook.SWEEPS, ("policy states / 保单状态", services.sweep_policy_states))
        provide(Hook.DEMO_LOADERS, demo.load)
        provide(Hook.TASKS, workspace.tasks)
        provide(Hook.FIGURES, workspace.figures)
