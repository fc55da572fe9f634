"""Owners' identity numbers and phone numbers as shown on screen, in the API and in exports.

DESIGN "Privacy": only the owner, their insurer's claim handler and the regulator see them in
full; everyone else sees them masked. Who may see a given owner in full is decided by
`idi.projects.selectors.identity_visible_to` (it needs projects and policies); this module only
masks.
"""

from idi.core.permissions import Actor
from idi.parties.models import OrgType


def mask_id_number(number: str) -> str:
    """3301********1234: region prefix and last four kept; the birth date never shown.

    A fixed run of eight stars also hides the length of what was masked.
    """
    if not number:
        return ""
    if len(number) < 10:
        return "*" * len(number)
    return f"{number[:4]}********{number[-4:]}"


def mask_phone(phone: str) -> str:
    """138****5678: the carrier prefix and last four digits kept."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def sees_every_identity(actor: Actor) -> bool:
    """A regulator sees owners' identities in full wherever it may see them at all."""
    return actor.organisation_type == OrgType.REGULATOR


def shown_identity(*, id_number: str, phone: str, unmasked: bool) -> dict[str, str]:
    """The pair as one viewer may see it."""
    if unmasked:
        return {"id_number": id_number, "phone": phone}
    return {"id_number": mask_id_number(id_number), "phone": mask_phone(phone)}
