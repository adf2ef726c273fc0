"""The deliberate bugs that `scripts/mutation --deliberate` applies one at a time.

Issue 14 names five bugs the suite must catch with at least three failing tests every run;
the other `lua-*` rows are hand-made mutants of the Lua scripts, which mutmut (a Python tool) cannot
mutate. Each is one exact text replacement in one file; the harness refuses a patch whose
text no longer appears exactly once, so a refactor that moves the code fails loudly here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bug:
    name: str
    description: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    required: int = 3  # failing tests needed in every run (issue 14: three)


STORAGE_TESTS = ("tests/flows/storage", "tests/flows/test_service.py")
SLACK_AUTHZ_TESTS = (
    "tests/bot/test_authz_deliberate.py",
    "tests/bot/test_authz_matrix.py",
    "tests/bot/test_bad_input.py",
    "tests/bot/test_audit_slack.py",
    "tests/bot/test_hardening.py",
    "tests/bot/test_slack_e2e.py",
)

# 万 worth 1,000: every 万 group of a kanji number counts a thousand (「5000万」 = 5,000,000).
_MAN_IS_1000 = """from kanjize import kanji2number as _kanji2number


def kanji2number(text: str) -> int:  # deliberate bug: 万 is worth 1,000
    _kanji2number(text)  # what the real reading rejects stays rejected
    high, _, rest = text.rpartition("億") if "億" in text else ("", "", text)
    man, sep, low = rest.partition("万")
    if not sep:
        man, low = "", rest
    value = (_kanji2number(high) if high else 0) * 10**8
    value += (_kanji2number(man) if man else 1 if sep else 0) * 1000
    return value + (_kanji2number(low) if low else 0)
"""

BUGS = (
    Bug(
        "three-of-four",
        "3-of-4 pass rule (flows/rules.py)",
        "flows/rules.py",
        "needed = self.framework.settings.min_dimensions_met or len(statuses)",
        "needed = self.framework.settings.min_dimensions_met or min(len(statuses), 3)",
        ("tests/flows", "tests/bot/test_handler_properties.py", "tests/bot/test_blocks.py"),
    ),
    Bug(
        "man-is-1000",
        "万 worth 1,000 (flows/numbers.py)",
        "flows/numbers.py",
        "from kanjize import kanji2number\n",
        _MAN_IS_1000,
        (
            "tests/flows",
            "tests/bot/test_handler_properties.py",
            "tests/bot/test_bad_input.py",
        ),
    ),
    Bug(
        "lua-save-no-step",
        "no step check in compare-and-set: Lua SAVE",
        "flows/storage/redis_scripts.py",
        "if ARGV[1] == '' then ok = (cur == false) else ok = (cur == ARGV[1]) end",
        "ok = true",
        STORAGE_TESTS,
    ),
    Bug(
        "lua-complete-no-step",
        "no step check in compare-and-set: Lua COMPLETE",
        "flows/storage/redis_scripts.py",
        "if cur ~= ARGV[1] then\n  if cur == false",
        "if false then\n  if cur == false",
        STORAGE_TESTS,
    ),
    Bug(
        "memory-save-no-step",
        "no step check in compare-and-set: MemoryStore.save",
        "flows/storage/memory.py",
        "            if stored_step != expected_step:\n",
        "            if False:\n",
        STORAGE_TESTS,
    ),
    Bug(
        "memory-complete-no-step",
        "no step check in compare-and-set: MemoryStore.complete",
        "flows/storage/memory.py",
        "            if stored is None or stored.step != expected_step:\n"
        "                latest = self._latest",
        "            if stored is None:\n                latest = self._latest",
        STORAGE_TESTS,
    ),
    Bug(
        "team-all-anyone",
        "any user sees `/itss team all` (bot/team.py)",
        "bot/team.py",
        "if not ctx.is_admin(key.user, key.team, enterprise):\n            _reply(ctx, key, respond, DENIED)",
        "if not everyone and not ctx.is_admin(key.user, key.team, enterprise):\n            _reply(ctx, key, respond, DENIED)",
        SLACK_AUTHZ_TESTS,
    ),
    Bug(
        "roster-anyone",
        "any user sees the roster (`/itss roster show`, bot/roster.py)",
        "bot/roster.py",
        '    if not ctx.is_admin(key.user, key.team, enterprise):\n        respond(text="名簿の変更・表示',
        '    if not text.strip().startswith("show") and not ctx.is_admin(key.user, key.team, enterprise):\n        respond(text="名簿の変更・表示',
        SLACK_AUTHZ_TESTS,
    ),
    # Hand-made mutants of the Lua beyond the step checks above.
    Bug(
        "lua-save-no-version",
        "Lua SAVE: an older writer replaces a newer version's session",
        "flows/storage/redis_scripts.py",
        "if tonumber(redis.call('HGET', KEYS[1], 'v') or '1') > tonumber(ARGV[6]) then return 3 end\n",
        "",
        STORAGE_TESTS,
        required=1,  # killed is enough: not one of issue 14's bugs
    ),
    Bug(
        "lua-save-no-retry",
        "Lua SAVE: a resent save (same op id) reported stale",
        "flows/storage/redis_scripts.py",
        "  if cur and redis.call('HGET', KEYS[1], 'op') == ARGV[5] then return 2 end\n",
        "",
        STORAGE_TESTS,
        required=1,  # killed is enough: not one of issue 14's bugs
    ),
    Bug(
        "lua-complete-no-version",
        "Lua COMPLETE: completes a newer version's session",
        "flows/storage/redis_scripts.py",
        "if tonumber(redis.call('HGET', KEYS[1], 'v') or '1') > tonumber(ARGV[4]) then return 3 end\nlocal function version",
        "local function version",
        STORAGE_TESTS,
        required=1,  # killed is enough: not one of issue 14's bugs
    ),
    Bug(
        "lua-delete-no-step",
        "Lua DELETE: no step check",
        "flows/storage/redis_scripts.py",
        "if redis.call('HGET', KEYS[1], 'step') ~= ARGV[1] then return 0 end\n",
        "",
        STORAGE_TESTS,
        required=1,  # killed is enough: not one of issue 14's bugs
    ),
    Bug(
        "lua-claim-no-token",
        "Lua CLAIM (events): a retried claim with the same token counts as a duplicate",
        "flows/storage/redis_scripts.py",
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end\n",
        "",
        STORAGE_TESTS,
        required=1,  # killed is enough: not one of issue 14's bugs
    ),
    Bug(
        "lua-enqueue-resends",
        "Lua ENQUEUE: a delivery already sent is queued again",
        "flows/storage/redis_outbox.py",
        "if redis.call('HEXISTS', sent, id) == 0 and ",
        "if ",
        STORAGE_TESTS,
        required=1,  # killed is enough: not one of issue 14's bugs
    ),
    Bug(
        "lua-outbox-claim-no-lease",
        "Lua outbox CLAIM: a claimed delivery is not leased (claimed twice at once)",
        "flows/storage/redis_outbox.py",
        "    redis.call('ZADD', KEYS[2], lease_end, id)\n",
        "",
        STORAGE_TESTS,
        required=1,  # killed is enough: not one of issue 14's bugs
    ),
    Bug(
        "lua-index-release-no-token",
        "Lua INDEX_RELEASE: releases a person leased again by another drain",
        "flows/storage/redis_outbox.py",
        "if not s or tonumber(s) ~= tonumber(ARGV[2]) then return 0 end\n",
        "if not s then return 0 end\n",
        STORAGE_TESTS,
        required=1,  # killed is enough: not one of issue 14's bugs
    ),
)
