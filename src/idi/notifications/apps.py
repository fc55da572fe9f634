from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "idi.notifications"
    label = "notifications"
    verbose_name = _("通知与期限")

    def ready(self) -> None:
        from idi.core.registry import Hook, provide
        from idi.notifications.services import sweep_deadlines

        provide(Hook.SWEEPS, ("deadlines / 期限提醒与督办", sweep_deadlines))
