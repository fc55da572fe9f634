"""Who is acting. Services and selectors take an `Actor`, never a request.

The registry app (parties) maps a user to its organisation and roles through
`settings.IDI_ACTOR_RESOLVER`; until then a user is known by id and name only.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

from idi.core.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int | None
    label: str
    organisation_id: int | None = None
    organisation_type: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    district: str | None = None
    is_operator: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and self.label == ANONYMOUS_LABEL

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


ANONYMOUS_LABEL = "anonymous"
SYSTEM = Actor(user_id=None, label="system")
ANONYMOUS = Actor(user_id=None, label=ANONYMOUS_LABEL)


def actor_for_user(user) -> Actor:
    """The default resolver: identity only, operator when staff."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    return Actor(user_id=user.pk, label=user.get_username(), is_operator=user.is_staff)


def actor_from_request(request) -> Actor:
    """The party behind the request, resolved once per request and kept on it: the menu, the
    unread count and the view all ask. A log-in or log-out during the request replaces
    `request.user`, which is resolved anew."""
    user = getattr(request, "user", None)
    kept = getattr(request, "_idi_actor", None)
    if kept is not None and kept[0] is user:
        return kept[1]
    resolver = import_string(getattr(settings, "IDI_ACTOR_RESOLVER", _DEFAULT_RESOLVER))
    actor = resolver(user)
    if request is not None:
        request._idi_actor = (user, actor)
    return actor


def require_role(actor: Actor, *roles: str, action: str) -> None:
    """Refuse an action unless the actor holds one of the roles (or is the operator)."""
    if actor.is_operator or actor.has_role(*roles):
        return
    raise Forbidden(f"无权执行“{action}”", f"not allowed to {action}")


_DEFAULT_RESOLVER = "idi.core.permissions.actor_for_user"
