"""The apps that own deadlines tell this app who hears about them and how to name them.

An owning app sits above this one, so it registers its owner type here in its
`AppConfig.ready()`; the sweep asks the registration, never the owning app's modules.
"""

from collections.abc import Callable
from dataclasses import dataclass

from idi.notifications.models import Deadline

# (deadlines, "reminder" or "escalation") -> deadline id -> the user ids to notify.
Recipients = Callable[[list[Deadline], str], dict[int, set[int]]]
# owner ids -> owner id -> (what it is called in a message, link to its page).
Describe = Callable[[list[int]], dict[int, tuple[str, str]]]
# owner ids whose deadlines changed outside the owner's own services (R-T5 recompute).
Changed = Callable[[list[int]], None]
# The deadline kinds that mark the day something becomes possible rather than a duty.
Openings = Callable[[], set[str]]


@dataclass(frozen=True)
class OwnerType:
    label: str  # the owning model's label_lower, e.g. "claims.claim"
    recipients: Recipients
    describe: Describe
    changed: Changed | None = None
    # Their coming and passing are announced as "opens soon" and "now open", not as a deadline
    # approaching or an escalation.
    openings: Openings | None = None


_owners: dict[str, OwnerType] = {}


def register_owner(owner: OwnerType) -> None:
    _owners[owner.label] = owner


def owner_type(label: str) -> OwnerType | None:
    return _owners.get(label)
