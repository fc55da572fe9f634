from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from idi.core.registry import Hook, providers

DEMO_PASSWORD = "demo-idi-2026"  # noqa: S105 - a published demo log-in, not a secret


class Command(BaseCommand):
    help = "Migrate, load the demo data set (idempotent) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the data and stop")
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0, interactive=False)
        logins = self.load()
        self.stdout.write(f"\nIDI 平台演示 / IDI platform demo: http://{options['addr']}/")
        self.stdout.write(f"演示账号 / demo log-ins (密码 / password: {DEMO_PASSWORD}):")
        for username, what in logins:
            self.stdout.write(f"  {username:<18} {what}")
        if not options["no_serve"]:
            call_command("serve", addr=options["addr"])

    @transaction.atomic
    def load(self) -> list[tuple[str, str]]:
        logins: list[tuple[str, str]] = []
        # Each app registers its demo data (Hook.DEMO_LOADERS), in INSTALLED_APPS order, which
        # is the order of their dependencies; each returns the log-ins it created.
        for load in providers(Hook.DEMO_LOADERS):
            logins.extend(load(password=DEMO_PASSWORD))
        return logins
