from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "idi.claims"
    label = "claims"
    verbose_name = _("理赔")

    def ready(self) -> None:
        from idi.claims import demo, selectors, services, tracks
        from idi.core.registry import Hook, provide
        from idi.notifications.owners import OwnerType, register_owner

        register_owner(
            OwnerType(
                label=selectors.OWNER_LABEL,
                recipients=selectors.deadline_recipients,
                describe=selectors.describe_claims,
                changed=services.refresh_next_due,
                openings=tracks.opening_kinds,
            )
        )
        provide(Hook.SWEEPS, ("emergency repairs / 应急维修", services.sweep_emergencies))
        provide(Hook.TASKS, selectors.tasks_for)
        provide(Hook.TASKS, selectors.appraisal_tasks)
        provide(Hook.DEMO_LOADERS, demo.load)
