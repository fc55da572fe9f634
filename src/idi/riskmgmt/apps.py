from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskmgmtConfig(AppConfig):
    name = "idi.riskmgmt"
    label = "riskmgmt"
    verbose_name = _("风险管理")

    def ready(self) -> None:
        from idi.core.registry import Hook, provide
        from idi.notifications.owners import OwnerType, register_owner
        from idi.riskmgmt import demo, selectors, services, workspace

        register_owner(
            OwnerType(
                label=selectors.OWNER_LABEL,
                recipients=selectors.deadline_recipients,
                describe=selectors.describe_engagements,
            )
        )

        provide(Hook.PROJECT_VISIBILITY, selectors.engaged_projects)
        provide(Hook.PROJECT_PANELS, selectors.project_panels)
        provide(Hook.PERMIT_GUARDS, services.guard_completion)
        provide(Hook.PERMIT_EVENTS, services.follow_permit_event)
        provide(Hook.TASKS, selectors.tasks_for)
        provide(Hook.TASKS, workspace.tasks)
        provide(Hook.CLAIM_RELATED_DEFECTS, selectors.related_defects_for_claim)
        provide(Hook.DEMO_LOADERS, demo.load)
