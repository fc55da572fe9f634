"""How a higher app (the guarantee fund's pre-period repair requests, RULES R-F2/R-F3) adds its
own way of handling a filing without the claims app importing it.

A track says which filings it takes (from the R-C5 assessment), what happens when one is filed
(its first status and clocks), the actions it adds to `POST /api/v1/claims/{id}/{action}` and
the rows it adds to the claim state machine's one transition table. It registers in its
`AppConfig.ready()` with `register_track(...)`; claims asks `track_for(...)` at filing and
`action(...)` when an action it does not define itself is posted.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from idi.rules import Assessment


@dataclass(frozen=True)
class TrackAction:
    """One action of a track. `run(actor=, claim=, data=)` is a service of the track's app (one
    transaction, permission check, moves the status with `claims.services.move`); `body` is the
    pydantic model its JSON body must fit (None: no body). `may(actor, claim)` says whether the
    actor is the party expected to act, for the pages and the to-do list; `rule` is the rule the
    to-do item names and `clock` the deadline kind the action meets, whose due date is the
    item's (an action without one has no time limit). An action without a body is a button on
    the claim page; one with a body is a form on the track's own page, `page(claim_id)`. Either
    carries the action's name as its id, the to-do item's anchor."""

    name: str
    label_zh: str
    label_en: str
    statuses: tuple[str, ...]
    run: Callable[..., Any]
    body: type[BaseModel] | None = None
    may: Callable[..., bool] | None = None
    rule: str | None = None
    clock: str | None = None
    page: Callable[[int], str] | None = None


@dataclass(frozen=True)
class Track:
    """`applies(assessment)` picks the filings the track takes; `start(actor=, claim=, pack=)`
    runs inside the filing's transaction after the claim row exists (it sets the status through
    `claims.services.move` and starts the track's clocks with `claims.services.start_clock`).
    `statuses` labels the statuses the track adds; `transitions` adds (from, to) -> action rows
    to the claim's transition table; `routed_role` says who handles its filings."""

    name: str
    routed_role: str
    applies: Callable[[Assessment], bool]
    start: Callable[..., None]
    actions: tuple[TrackAction, ...] = ()
    statuses: dict[str, tuple[str, str]] = field(default_factory=dict)
    transitions: dict[tuple[str, str], str] = field(default_factory=dict)
    # (claim id, "reminder"/"escalation", deadline kind) -> user ids, or None for the claim's
    # usual recipients (its handlers; on escalation also their managers and the regulator).
    recipients: Callable[..., set[int] | None] | None = None
    # Deadline kinds the track stores that mark the day something becomes possible (the owner
    # may apply for a fund repair), not a duty: never overdue, and not what a claim is due by.
    openings: tuple[str, ...] = ()


_tracks: dict[str, Track] = {}


def register_track(track: Track) -> None:
    _tracks[track.name] = track


def tracks() -> list[Track]:
    return list(_tracks.values())


def track_for(assessment: Assessment) -> Track | None:
    for track in _tracks.values():
        if track.applies(assessment):
            return track
    return None


def opening_kinds() -> set[str]:
    return {kind for track in _tracks.values() for kind in track.openings}


def get_track(name: str) -> Track | None:
    return _tracks.get(name)


def action(name: str) -> TrackAction | None:
    for track in _tracks.values():
        for candidate in track.actions:
            if candidate.name == name:
                return candidate
    return None
