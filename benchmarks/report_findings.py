"""What the figures of one benchmarks/bench_slack.py run say, and the detailed tables behind
them, for benchmarks/report.py."""

from __future__ import annotations

import math
from typing import Any

LABELS = {"https": "HTTPS", "http": "plain HTTP"}


def ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def _per_interaction(r: dict[str, Any], phase: str) -> dict[str, float]:
    """CPU milliseconds per completed interaction, by process, over a phase."""
    p = r["phases"].get(phase)
    done = r["latency"].get(phase, {}).get("requests", 0)
    if not p or not done:
        return {}
    return {k: v * 1000 / done for k, v in p["cpu_seconds"].items() if v > 0.05}


def findings(r: dict[str, Any]) -> list[str]:
    """What the figures of this run say, each with the measurement behind it."""
    t = r["transports"][0]
    lat = r["latency"]
    bot, idle = lat[f"{t}:paced"], lat[f"{t}:idle"]
    floor = lat.get(f"{t}:paced-after-ack")
    out = ["### What the figures say", "", f"Over {LABELS[t]} unless said otherwise.", ""]
    b50, b99 = bot["ack_server"]["p50"], bot["ack_server"]["p99"]
    i99 = idle["ack_server"]["p99"]
    line = (
        f"- **Ack.** Server-side p50 {ms(b50)}, p99 {ms(b99)} with {r['paced_people']} "
        f"interviews in progress; {ms(idle['ack_server']['p50'])} / {ms(i99)} for clicks one "
        "at a time with nothing else running"
    )
    if floor:
        line += (
            f"; the floor, sent the same requests, {ms(floor['ack_server']['p50'])} / "
            f"{ms(floor['ack_server']['p99'])}"
        )
    out.append(
        line + ". The ack path is the floor's (Bolt verifies, parses, matches the listener, "
        "which acks and submits to the thread pool); what the bot adds is the after-ack work "
        "of other clicks (Redis, the interview, Block Kit, two Web API calls) running in the "
        "same worker processes and competing for the GIL and the two cores. Client-side adds "
        "the TCP connection and gunicorn's accept and parse "
        f"(p50 {ms(bot['ack_client']['p50'] - b50)} more than server-side)."
    )
    nb, nf = bot["next_server"]["p50"], floor["next_server"]["p50"] if floor else math.nan
    out.append(
        f"- **Next question.** {ms(nb)} p50 from the request entering the server to the next "
        f"question's chat.postMessage at the Web API (floor: {ms(nf)} to its one message). "
        "After the ack the bot loads the session, applies the answer, saves it "
        "(compare-and-set), posts the next question with chat.postMessage and then edits the "
        "answered message with chat.update: two sequential Web API calls per click, each a "
        "new connection from slack_sdk's urllib client, while the floor makes one."
    )
    out += _tls(r)
    out += _throughput(r, t)
    out += _inflight(r, t)
    out += _team(r)
    acc = r["accounting"]
    per_kind = "; ".join(
        f"{kind}: {v['round_trips']:.2f} round trips, {v['commands']:.1f} commands "
        f"({', '.join(f'{c} {n:g}' for c, n in v['by_command'].items())})"
        for kind, v in acc.items()
    )
    out.append(
        f"- **Redis per request**, counted exactly through a proxy on a second bot instance, "
        f"clicks one at a time: {per_kind}. Commands include those run inside the Lua scripts; "
        "they are counted server-wide (INFO commandstats), so the main bot's background outbox "
        "drain (ZRANGEBYSCORE, ZSCORE, ZADD, ZREM, ZRANGE, EVALSHA every OUTBOX_POLL_SECONDS) "
        "lands in whichever kind is being counted; the round trips are the counted bot's alone, "
        "whose own drain is off."
    )
    out.append("")
    return out


def _tls(r: dict[str, Any]) -> list[str]:
    if not {"https", "http"} <= set(r["transports"]):
        return []
    cpu = {t: _per_interaction(r, f"{t}:saturation").get("bot", math.nan) for t in LABELS}
    phases = {t: r["phases"].get(f"{t}:saturation", {}) for t in LABELS}
    done = {t: r["latency"].get(f"{t}:saturation", {}).get("requests", 0) for t in LABELS}
    calls = phases["https"].get("api_calls", 0) / max(1, done["https"])
    extra = (cpu["https"] - cpu["http"]) / calls if calls else math.nan
    nxt = {t: r["latency"][f"{t}:paced"]["next_client"]["p50"] for t in LABELS}
    sat = {t: phases[t].get("per_second", math.nan) for t in LABELS}
    return [
        f"- **TLS.** At saturation the bot's workers used {ms(cpu['https'])} of CPU per click "
        f"over HTTPS and {ms(cpu['http'])} over plain HTTP, with {calls:.2f} Web API calls "
        f"per click: about {ms(extra)} per call for the connection's TLS handshake. Every "
        "call shares the process's one TLS context (bot/app.py `tls_context`, passed to the "
        "WebClient as `ssl=`, and by Bolt to `respond`), so the CA bundle is loaded once per "
        "process, not once per call. The handshake itself cannot be saved: slack_sdk's "
        "WebClient sends each call through `urllib.request.urlopen`, whose "
        "`AbstractHTTPHandler.do_open` sets `Connection: close` on every request, and "
        "http.client does not resume TLS sessions, so each call is a new TCP connection and "
        f"a full handshake. Click → next question p50: {ms(nxt['https'])} over HTTPS, "
        f"{ms(nxt['http'])} over plain HTTP; saturation {sat['https']:.0f}/s and "
        f"{sat['http']:.0f}/s."
    ]


def _throughput(r: dict[str, Any], t: str) -> list[str]:
    lat = r["latency"]
    sat = r["phases"][f"{t}:saturation"]
    cpu_bot = _per_interaction(r, f"{t}:saturation")
    cpu_floor = _per_interaction(r, f"{t}:saturation-after-ack")
    if not cpu_bot:
        return []
    floor = r["phases"].get(f"{t}:saturation-after-ack", {}).get("per_second", math.nan)
    text = (
        f"- **Throughput.** {sat['per_second']:.0f} interactions/s at saturation (the floor "
        f"{floor:.0f}/s); the bot's workers used {cpu_bot.get('bot', math.nan):.1f} ms CPU per "
        "interaction"
    )
    if cpu_floor:
        text += f" (the floor's {cpu_floor.get('after-ack', math.nan):.1f} ms)"
    text += (
        f", the simulated people and the fake Slack {cpu_bot.get('harness', math.nan):.1f} ms "
        f"and Redis {cpu_bot.get('redis', 0):.2f} ms — on 2 cores the harness takes its "
        "share, so a dedicated server would do more. At saturation requests wait in front "
        "of the WSGI app (gunicorn's accept loop and thread pool, also short of the GIL): "
        f"server-side ack p50 {ms(lat[f'{t}:saturation']['ack_server']['p50'])} but "
        f"client-side {ms(lat[f'{t}:saturation']['ack_client']['p50'])}, as Little's law "
        f"has it for {r['config']['saturation_users']} people at {sat['per_second']:.0f}/s."
    )
    prof = r.get("profile", {}).get(f"{t}:saturation-profiled")
    if prof and prof["samples"]:
        top = ", ".join(f"{k} {v:.0%}" for k, v in list(prof["areas"].items())[:7])
        text += (
            " py-spy on the workers in a separate 10 s saturation run (samples of "
            f"threads holding the GIL, by innermost known package): {top}."
        )
    return [text]


def _inflight(r: dict[str, Any], t: str) -> list[str]:
    parts = []
    for n in r["config"]["concurrency"]:
        p, d = r["phases"].get(f"{t}:inflight-{n}"), r["latency"].get(f"{t}:inflight-{n}")
        if not p or not d:
            continue
        f = r["phases"].get(f"{t}:inflight-{n}-after-ack", {}).get("per_second", math.nan)
        # Little's law: requests in flight = throughput × time from the click to its screen
        held = p["per_second"] * d["next_client"]["p50"] / 1000
        parts.append(
            f"{n} in flight: {p['per_second']:.0f}/s (floor {f:.0f}/s), click → next question "
            f"p50 {ms(d['next_client']['p50'])}, p99 {ms(d['next_client']['p99'])} "
            f"(throughput × p50 ≈ {held:.0f} requests held)"
        )
    if not parts:
        return []
    return [
        "- **Requests in flight.** N people with no think time keep N requests in flight "
        "(the paced run's interviews are open, but at a few requests per second almost none "
        "is in flight at a time): " + "; ".join(parts) + "."
    ]


def _team(r: dict[str, Any]) -> list[str]:
    team = r["team"]
    med = team["median"]
    sizes = team.get("breakdown_ms", {})
    pages = med.get("users_list_last", math.nan) - med.get("users_list_first", math.nan)
    text = (
        f"- **Team summary.** {team['members']:,} reports ({team.get('filled', 0):,} of "
        "them given a stored result before the summary, the others have theirs from this "
        f"run or an interview in progress): {ms(med['last_post'] * 1000)} "
        f"to the summary message, {ms(med['csv_uploaded'] * 1000)} to the CSV; Redis "
        f"{team['round_trips']} round trips (roster HGETALL, then one pipeline of "
        f"{sum(team['commands'].values()) - 1:,} commands: `HMGET summary r open` "
        "per report). users.list for the CSV names: "
        f"{med.get('users_list_calls', 0):.0f} pages, {ms(pages * 1000)} between the first "
        "and last page."
    )
    if "1000" in sizes:
        one = sizes["1000"]
        text += (
            " The read model alone, in a fresh process (`benchmarks/team_steps.py`, table "
            f"above): 1,000 reports {ms(one['team'])}, of which `store.summaries` "
            f"{ms(one['summaries'])}, against {ms(one['raw'])} for the raw read of 1,000 "
            "summaries; each summary is one small JSON string written by the completion, so "
            "nothing the size of a verdict tree is read or parsed."
        )
    prof = r.get("profile", {}).get("team")
    if prof and prof["samples"]:
        top = ", ".join(f"{k} {v:.0%}" for k, v in list(prof["functions"].items())[:4])
        text += f" py-spy during the summaries: {top}."
    return [text]


def details(r: dict[str, Any]) -> list[str]:
    t = r["transports"][0]
    lat = r["latency"]
    out = ["<details><summary>More figures from this run</summary>", ""]
    out += [
        f"Server-side ack by request kind (paced run, {LABELS[t]}):",
        "",
        "| kind | n | p50 | p99 | max |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, d in lat[f"{t}:paced"]["by_kind_ack_server"].items():
        out.append(f"| {kind} | {d['n']} | {ms(d['p50'])} | {ms(d['p99'])} | {ms(d['max'])} |")
    out += [
        "",
        "Every phase, named transport:phase (latencies in ms; CPU in seconds over the phase; "
        "loop lag = how late the harness's event loop woke up, which bounds the error of its "
        "timestamps):",
        "",
        "| phase | s | requests | Web API calls | ack server p50 / p99 | ack client p50 / p99 "
        "| next question p50 / p99 | CPU bot / floor / redis / harness | loop lag p99 |",
        "|---|---:|---:|---:|---|---|---|---|---:|",
    ]
    for name, p in r["phases"].items():
        d = lat.get(name)
        if not d:
            continue
        cpu = p["cpu_seconds"]
        floor_cpu = cpu.get("after-ack", 0) + cpu.get("bolt-default", 0)
        out.append(
            f"| {name} | {p['seconds']:.1f} | {d['requests']} | {p.get('api_calls', 0)} "
            f"| {ms(d['ack_server']['p50'])} / {ms(d['ack_server']['p99'])} "
            f"| {ms(d['ack_client']['p50'])} / {ms(d['ack_client']['p99'])} "
            f"| {ms(d['next_client']['p50'])} / {ms(d['next_client']['p99'])} "
            f"| {cpu.get('bot', 0):.1f} / {floor_cpu:.1f} / {cpu.get('redis', 0):.1f} / "
            f"{cpu.get('harness', 0):.1f} | {ms(p['loop_lag']['p99'])} |"
        )
    paced = r["phases"][f"{t}:paced"]
    requests = max(1, lat[f"{t}:paced"]["requests"])
    out += [
        "",
        f"Under load (paced run), Redis read events per request: "
        f"{paced['redis']['reads'] / requests:.2f} "
        f"({paced['redis']['commands'] / requests:.2f} commands).",
        "",
    ]
    chk = r["check"]
    outcomes = ", ".join(f"{k} {v}" for k, v in chk["outcomes"].items())
    out += [
        f"Checks: {chk['people']} people ({outcomes}), {chk['answers']:,} answers compared "
        f"with Redis; {chk['duplicates']} double clicks got {chk['stale_notes']} stale-click "
        f"notes and were applied once; errors in the bots' logs: {r['bot_errors']}.",
        "",
        "</details>",
        "",
    ]
    if chk["problems"]:
        out += ["Problems:", "", *(f"- {p}" for p in chk["problems"]), ""]
    return out
