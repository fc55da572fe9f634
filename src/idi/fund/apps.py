from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "idi.fund"
    label = "fund"
    verbose_name = "保障基金 / Guarantee fund"

    def ready(self) -> None:
        from idi.core.registry import Hook, provide
        from idi.fund import services

        provide(Hook.SWEEPS, ("fund contributions / 基金计提入账", services.book_contributions_due))
