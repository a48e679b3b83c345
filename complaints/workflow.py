"""The allowed stage transitions, as data. Anything not in the table is refused by name."""

from __future__ import annotations

from complaints.models import StageStatus as S


class TransitionNotAllowed(Exception):
    """An action that the stage's current status does not allow."""


ACTION_LABELS = {
    "acknowledge": "Acknowledge",
    "extend": "Extend the deadline",
    "respond": "Record the response",
    "record_panel": "Record the review panel",
    "stop_clock": "Stop the clock",
    "restart_clock": "Restart the clock",
    "escalate": "Record an escalation request",
    "close": "Close the complaint",
    "withdraw": "Record withdrawal",
    "reopen": "Reopen",
}

# action -> (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "acknowledge": (frozenset({S.AWAITING_ACKNOWLEDGEMENT}), S.IN_PROGRESS),
    "extend": (frozenset({S.AWAITING_ACKNOWLEDGEMENT, S.IN_PROGRESS}), None),
    "stop_clock": (frozenset({S.AWAITING_ACKNOWLEDGEMENT, S.IN_PROGRESS}), None),
    "restart_clock": (frozenset({S.AWAITING_ACKNOWLEDGEMENT, S.IN_PROGRESS}), None),
    "record_panel": (frozenset({S.IN_PROGRESS}), None),
    "respond": (frozenset({S.IN_PROGRESS}), S.RESPONDED),
    "escalate": (frozenset({S.RESPONDED}), S.ESCALATED),
    "close": (frozenset({S.RESPONDED}), S.CLOSED),
    "withdraw": (frozenset({S.AWAITING_ACKNOWLEDGEMENT, S.IN_PROGRESS, S.RESPONDED}), S.WITHDRAWN),
    # Reopening returns the stage to where its dates say it was (see services.complaint_reopen).
    "reopen": (frozenset({S.CLOSED, S.WITHDRAWN}), None),
}


def allowed(action: str, status: str) -> bool:
    sources, _ = TRANSITIONS[action]
    return status in sources


def next_status(action: str, status: str) -> str:
    """The status after `action`, or TransitionNotAllowed naming the action and status."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise TransitionNotAllowed(
            f"You cannot {ACTION_LABELS[action].lower()} while the stage is {S(status).label.lower()}."
        )
    return target or status
