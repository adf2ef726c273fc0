"""The texts of outbox notices: what a person or an admin is told about a delivery, in the
reader's language (flows.i18n)."""

from __future__ import annotations

from flows.i18n import t, t_of
from flows.outbox import Delivery

REASONS = {  # a Slack error code → the message of its reason (notices.reason.*)
    "user_not_found": "no_account",
    "users_not_found": "no_account",
    "user_disabled": "no_account",
    "channel_not_found": "no_account",
    "cannot_dm_bot": "bot_account",
    "messages_tab_disabled": "dms_off",
    "ratelimited": "ratelimited",
    "server_error": "server_error",
    "unsure": "no_answer",
    "timeout": "no_answer",
}


def reason_text(code: str) -> str:
    """The true reason in words; an unknown Slack error code is named as it is."""
    reason = REASONS.get(code)
    if reason is None:
        return t("notices.unknown_error", code=code)
    return t_of("notices.reason", reason)


def notice_text(delivery: Delivery, specialty_name: str) -> str:
    """The message of a notice delivery (kinds other than the results themselves)."""
    who = f"<@{delivery.user}>"
    match delivery.kind:
        case "no_manager":
            return t("notices.no_manager")
        case "no_manager_admin":
            return t("notices.no_manager_admin", who=who, specialty=specialty_name)
        case "undelivered":
            return t(
                "notices.undelivered",
                who=f"<@{delivery.about}>",
                reason=reason_text(delivery.reason),
            )
        case "undelivered_admin":
            return t(
                "notices.undelivered_admin",
                who=who,
                specialty=specialty_name,
                reason=reason_text(delivery.reason),
            )
        case _:
            raise ValueError(f"{delivery.kind} is not a notice")
