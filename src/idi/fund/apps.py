from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "idi.fund"
    label = "fund"
    verbose_name = _("保障基金")

    def ready(self) -> None:
        from idi.claims.tracks import register_track
        from idi.core.registry import Hook, provide
        from idi.fund import demo, selectors, services
        from idi.fund.services import preperiod

        provide(Hook.POLICY_EVENTS, services.follow_policy_event)
        provide(Hook.SWEEPS, ("fund contributions / 基金计提入账", services.book_contributions_due))
        provide(Hook.TASKS, selectors.owner_tasks)
        provide(Hook.TASKS, selectors.institution_tasks)
        provide(Hook.TASKS, selectors.track_tasks)
        register_track(preperiod.PRE_PERIOD_TRACK)
        register_track(preperiod.DEVELOPER_ONLY_TRACK)
        provide(Hook.DEMO_LOADERS, demo.load)
