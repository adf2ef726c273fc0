"""`/itss team` uploads the team picture: a team of 200 with results and sign-offs, through a
signed request into the real app and the recording Web API's file upload (issue 13)."""

from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor

from bot.picture import picture_rows, team_picture
from flows.facts import to_json_value
from flows.interview import Command
from flows.personas import persona
from flows.review import Decision
from flows.session import PersonKey, Phase
from tests.bot.slack_env import Bot

TEAM = "T0001"
SPECIALTIES = ("system_operations", "network_operations", "customer_support")


def complete(bot: Bot, user: str, specialty: str, level: int) -> str:
    ctx = bot.ctx
    assert ctx is not None
    key = PersonKey(team=TEAM, user=user)
    facts = persona(specialty, level)
    assert ctx.service.start(key, specialty).outcome.applied
    while (session := ctx.service.current(key)) is not None and session.state is Phase.ASKING:
        value = to_json_value(facts[session.current or ""])
        assert ctx.service.act(key, Command(action="answer", value=value)).applied
    record = ctx.service.act(key, Command(action="confirm")).record
    assert record is not None
    return record.interview_id


def test_a_team_of_200_gets_its_picture(bot: Bot) -> None:
    ctx = bot.ctx
    assert ctx is not None
    members = [f"UP{i:03d}" for i in range(200)]
    bot.store.set_managers(TEAM, {m: ["UBOSS"] for m in members})
    for i, user in enumerate(members[:150]):  # 150 results, 50 not started
        interview = complete(bot, user, SPECIALTIES[i % 3], i % 6)
        if i % 3 == 0:  # every third signed off: approved, or modified one level down
            decision = Decision("approve", "UBOSS")
            if i % 2 and i % 6:
                changes = {"followed_manuals": False}
                decision = Decision("modify", "UBOSS", "根拠の確認", changes)
            ctx.signoff.decide(PersonKey(team=TEAM, user=user), interview, decision, lambda: False)
    bot.api.clear()
    assert bot.slack.slash("UBOSS", "team").status == 200
    ctx.executor.shutdown(wait=True)
    ctx.executor = ThreadPoolExecutor(4, "itss-after-ack")

    asked = {c.args["filename"]: c for c in bot.api.calls("files.getUploadURLExternal")}
    assert set(asked) == {"itss-team.png", "itss-team.csv"}
    (png_upload,) = bot.api.uploads(".png")
    png = png_upload.body
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1200, 420)
    assert int(asked["itss-team.png"].args["length"]) == len(png)
    (done,) = bot.api.calls("files.completeUploadExternal")
    assert done.args["channel_id"] == "DUBOSS"
    assert len(done.args["files"]) == 2

    # The same picture drawn here, where warnings are errors: matplotlib warns for every glyph
    # a font lacks, so these Japanese labels were drawn with a CJK font (test_picture.py).
    summaries = bot.store.summaries(TEAM, members)
    rows = picture_rows(summaries)
    assert sum(r.confirmed is not None for r in rows) == 50
    assert any(r.confirmed is not None and r.confirmed < (r.level or 0) for r in rows)
    expected = team_picture(
        rows,
        {s.id: s.name for s in ctx.framework.job_category.specialties},
        title="チームのレベル分布（あなたの部下 200 人）",
        min_group=ctx.settings.aggregate_min_group,
        full_view=False,
    )
    assert png == expected
