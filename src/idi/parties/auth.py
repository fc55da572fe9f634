"""Owners sign in with their ID number: the log-in name a sale gives them (`owner_<random>`,
see services.new_owner_username) is one nobody can guess or remember."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from idi.parties.validators import id_number_problem, normalise_id_number


class IdNumberBackend(ModelBackend):
    """Accepts an owner's 身份证号 where the log-in form asks for the username.

    Registered after ModelBackend, so a real username is always tried first.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        number = normalise_id_number(username)
        if id_number_problem(number) is not None:
            return None
        user = (
            get_user_model()
            .objects.filter(profile__id_number=number, profile__organisation__isnull=True)
            .first()
        )
        if user is None:
            # As ModelBackend does: hash anyway, so that the answer takes as long as for a
            # registered ID number and does not tell which numbers are registered.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request, credentials) -> str | None:
    """The account a log-in attempt is counted against (django-axes): an owner's ID number and
    its username are one account, so that switching between them gains no attempts."""
    typed = (credentials or {}).get("username")
    if not typed:
        return None
    number = normalise_id_number(typed)
    if id_number_problem(number) is None:
        username = (
            get_user_model()
            .objects.filter(profile__id_number=number, profile__organisation__isnull=True)
            .values_list("username", flat=True)
            .first()
        )
        return username or number
    return typed
