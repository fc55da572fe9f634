from django.apps import AppConfig


class UnderwritingConfig(AppConfig):
    name = "idi.underwriting"
    label = "underwriting"
    verbose_name = "承保 / Underwriting"

    def ready(self) -> None:
        from idi.core.registry import Hook, provide
        from idi.underwriting import services

        provide(Hook.PERMIT_EVENTS, services.record_period)
        provide(Hook.SWEEPS, ("policy states / 保单状态", services.sweep_policy_states))
