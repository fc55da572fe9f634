"""Reads of the registry of parties that depend on who asks."""

from idi.core.permissions import ANONYMOUS, Actor


def actor_for_user(user) -> Actor:
    """The acting party behind a log-in: its organisation, type, roles and district."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    profile = getattr(user, "profile", None)
    organisation = profile.organisation if profile else None
    return Actor(
        user_id=user.pk,
        label=user.get_username(),
        organisation_id=organisation.pk if organisation else None,
        organisation_type=organisation.org_type if organisation else None,
        roles=frozenset(profile.roles if profile else ()),
        district=organisation.district if organisation else None,
        is_operator=user.is_staff,
    )
