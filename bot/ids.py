"""Action ids, callback ids and button values: shared by the renderers and the listeners.

A button's value names the interview and the step it was drawn for, so a click on an old
message (an earlier question, a finished interview) is recognised as stale, never applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ANSWER = "itss_answer"  # suffixed with :<n> to stay unique within a block
SET_CHECKS = "itss_set_checks"
SET_SUBMIT = "itss_set_submit"
NUMBER = "itss_number"
SKIP = "itss_skip"
BACK = "itss_back"
PAUSE = "itss_pause"
RESTART = "itss_restart"
CHOOSE = "itss_choose"
CONFIRM = "itss_confirm"
EDIT = "itss_edit"
NOTE = "itss_note"
START = "itss_start"
RESUME = "itss_resume"
FORGET = "itss_forget"
TEAM = "itss_team"
CAMPAIGN_START = "itss_campaign_start"  # value: campaign id | preset specialty ("" = choose)
CAMPAIGN_OPEN = "itss_campaign_open"  # App Home: opens the campaign modal
CAMPAIGN_MODAL = "itss_campaign_modal"
CAMPAIGN_NAME_BLOCK = "campaign_name"  # each input block's element has the action id "value"
CAMPAIGN_DUE_BLOCK = "campaign_due"
CAMPAIGN_TARGET_BLOCK = "campaign_target"
CAMPAIGN_PEOPLE_BLOCK = "campaign_people"
REVIEW_APPROVE = "itss_review_approve"  # value: ReviewRef (person | interview)
REVIEW_RETURN = "itss_review_return"
REVIEW_MODIFY = "itss_review_modify"
REVIEW_REOPEN = "itss_review_reopen"  # to the person: 修正して再提出
RETURN_MODAL = "itss_return_modal"  # private_metadata: ReviewRef | channel | ts
MODIFY_MODAL = "itss_modify_modal"
MODIFY_CONFIRM_MODAL = "itss_modify_confirm_modal"  # private_metadata: JSON (ModifyDraft)
COMMENT_BLOCK = "review_comment"
REASON_BLOCK = "review_reason"
FACT_BLOCK = "fact:"  # + fact id; the element's action id is "v"
NOTE_MODAL = "itss_note_modal"
NOTE_BLOCK = "note_text"
NOTE_DIMENSION_BLOCK = "note_dimension"

ANSWER_PATTERN = re.compile(rf"^{ANSWER}(:\d+)?$")
CHOOSE_PATTERN = re.compile(rf"^{CHOOSE}(:\d+)?$")
EDIT_PATTERN = re.compile(rf"^{EDIT}(:\d+)?$")
REVIEW_ACTIONS = (REVIEW_APPROVE, REVIEW_RETURN, REVIEW_MODIFY)
STEP_ACTIONS = (SET_SUBMIT, NUMBER, SKIP, BACK, PAUSE, RESTART, CONFIRM, NOTE)


@dataclass(frozen=True)
class Ref:
    """What a button carries: interview id, step, and an optional argument (fact or option)."""

    interview: str
    step: int
    arg: str = ""

    def encode(self) -> str:
        return f"{self.interview}|{self.step}|{self.arg}"

    @classmethod
    def decode(cls, value: str | None) -> Ref | None:
        parts = (value or "").split("|", 2)
        if len(parts) != 3 or not re.fullmatch(r"[0-9]{1,9}", parts[1]) or len(parts[0]) > 64:
            return None
        return cls(parts[0], int(parts[1]), parts[2])


_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class ReviewRef:
    """What a sign-off button or modal carries: whose submission (user, interview id) and,
    for a modal, the manager's message to update once decided (channel, ts)."""

    user: str
    interview: str
    channel: str = ""
    ts: str = ""

    def encode(self) -> str:
        return f"{self.user}|{self.interview}|{self.channel}|{self.ts}"

    @classmethod
    def decode(cls, value: str | None) -> ReviewRef | None:
        parts = (value or "").split("|")
        if len(parts) != 4 or not _ID.match(parts[0]) or not _ID.match(parts[1]):
            return None
        if len(parts[2]) > 64 or len(parts[3]) > 64:
            return None
        return cls(*parts)
