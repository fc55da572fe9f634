from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from idi.core.api_auth import create_token
from idi.core.permissions import SYSTEM


class Command(BaseCommand):
    help = "Create an API bearer token for a user: `idi token create USERNAME [--name NAME]`."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在 / no such user: {options['username']}")
        self.stdout.write(create_token(actor=SYSTEM, user=user, name=options["name"]))
