"""`itss-bot`: the command line. Heavy imports stay inside commands so lookups start fast."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help=(
        "ITSS (オペレーション) interview bot: "  # i18n: seed (the job category's name)
        "console interview, lookup, evaluation, Slack app."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
framework_app = typer.Typer(help="Work with framework YAML files.", no_args_is_help=True)
app.add_typer(framework_app, name="framework")

EXIT_USAGE = 2


class Lang(StrEnum):
    """The languages the commands print in (flows.i18n.LOCALES)."""

    ja = "ja"
    en = "en"


LangOption = Annotated[
    Lang,
    typer.Option(
        "--lang",
        envvar="ITSS_LANG",
        case_sensitive=False,
        help="Language of what is printed (the framework's curated texts too).",
    ),
]


def _speaking(lang: Lang) -> AbstractContextManager[None]:
    """What the command prints, in `lang` (flows.i18n.using)."""
    from flows.i18n import using

    return using("en" if lang is Lang.en else "ja")


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(EXIT_USAGE)


@app.command()
def lookup(
    query: Annotated[
        list[str],
        typer.Argument(help="e.g. バックアップ / SO レベル4 / ヘルプデスク"),  # i18n: input
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 10,
    lang: LangOption = Lang.ja,
) -> None:
    """Look up skill definitions: indicators, スキル熟達度, 知識項目 and スキル項目.

    When nothing matches, exits 1 and says what would (「もしかして」): on standard output, or with
    --json on standard error while standard output still gets the (empty) JSON list.
    """
    with _speaking(lang):
        _lookup(query, as_json=as_json, limit=limit)


def _lookup(query: list[str], *, as_json: bool, limit: int) -> None:
    from bot.blocks.lookup import lookup_note, not_found_lines
    from framework_data.search import default_index

    text = " ".join(query)
    found = default_index().lookup(text, limit=limit)
    if as_json:
        typer.echo(json.dumps([h.as_dict() for h in found.hits], ensure_ascii=False, indent=2))
    if not found.hits:
        typer.echo(
            "\n".join(not_found_lines(text, found, "itss-bot lookup", for_shell=True)), err=as_json
        )
        raise typer.Exit(1)
    if as_json:
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    note = lookup_note(found)
    if note:
        console.print(note, markup=False)
    for hit in found.hits:
        console.print(f"[bold]{escape(hit.title)}[/bold]")
        console.print(f"  {hit.text}\n", markup=False)


STDIN = "-"


def _read_answers(name: str) -> str:
    if name == STDIN:
        import sys

        return sys.stdin.read()
    return Path(name).read_text(encoding="utf-8")


@app.command()
def evaluate(
    answers: Annotated[
        list[str],
        typer.Argument(
            help="YAML files: {specialty, facts} or a list of them; - reads standard input."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lang: LangOption = Lang.ja,
) -> None:
    """Infer levels from answers files (no interview), in the order given.

    With one file, --json prints what that file holds (an object, or a list for a list); with
    several, one list of every result in order, each with the "file" it came from. Every bad
    file is reported (exit 2) before anything is printed."""
    with _speaking(lang):
        _evaluate(answers, as_json=as_json)


def _evaluate(answers: list[str], *, as_json: bool) -> None:
    import yaml

    from flows.i18n import current
    from flows.inference import Result
    from flows.inference import evaluate as infer
    from flows.plan import development_plan, plan_json
    from flows.report import AnswersError, parse_answers, result_json
    from framework_data.loader import load_default
    from framework_data.translate import localized

    if answers.count(STDIN) > 1:
        raise _fail("- (standard input) can be given once.")
    framework = localized(load_default(), current())
    problems: list[str] = []
    files: list[tuple[str, list[tuple[str | None, Result]], bool]] = []
    for name in answers:
        shown = "<stdin>" if name == STDIN else name
        try:
            doc = yaml.safe_load(_read_answers(name))
            entries, many = parse_answers(framework, doc)
        except OSError as exc:
            problems.append(f"{shown}: cannot read file: {exc.strerror}")
            continue
        except yaml.YAMLError as exc:
            problems.append(f"{shown}: not valid YAML: {exc}")
            continue
        except AnswersError as exc:
            problems.extend(f"{shown}: {p}" for p in exc.problems)
            continue
        results = [(e.person, infer(framework, e.specialty, e.facts)) for e in entries]
        files.append((shown, results, many))
    if problems:
        raise _fail("\n".join(problems))
    if as_json:

        def one(result: Result, person: str | None) -> dict[str, object]:
            return result_json(result, person) | plan_json(development_plan(framework, result))

        payload: object
        if len(files) == 1:
            _, results, many = files[0]
            listed = [one(r, p) for p, r in results]
            payload = listed if many else listed[0]
        else:
            payload = [{"file": f} | one(r, p) for f, results, _ in files for p, r in results]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from bot.terminal import print_plan, print_result

    console = Console()
    for shown, results, _ in files:
        if len(files) > 1:
            console.rule(shown)
        for person, result in results:
            print_result(console, result, person)
            print_plan(console, development_plan(framework, result))
            console.print()


@app.command()
def console(
    specialty: Annotated[
        str | None, typer.Option(help="system_operations / network_operations / customer_support")
    ] = None,
    user: Annotated[
        str, typer.Option(help="Whose interview this is (letters, digits, . _ -).")
    ] = "local",
    resume: Annotated[
        bool, typer.Option(help="Continue a paused interview (needs REDIS_URL).")
    ] = False,
    lang: LangOption = Lang.ja,
) -> None:
    """Run the interview in this terminal. Uses REDIS_URL when set, else an in-process store."""
    with _speaking(lang):
        _console(specialty, user, resume=resume)


def _console(specialty: str | None, user: str, *, resume: bool) -> None:
    import os

    from pydantic import ValidationError

    from bot.console import no_redis, run_console
    from flows.i18n import t
    from flows.session import PersonKey
    from flows.storage import StoreUnavailableError, open_store
    from flows.storage.base import UnreadableRecordError

    try:
        PersonKey(team="console", user=user)
    except ValidationError as exc:
        raise _fail(f"--user {user!r}: use letters, digits, '.', '_' or '-' (max 64)") from exc
    url = os.environ.get("REDIS_URL") or None
    if resume and url is None:
        raise _fail(t("cli.cannot_resume", why=no_redis()))
    store = open_store(url, session_ttl_seconds=30 * 86400)
    try:
        if resume and store.load(PersonKey(team="console", user=user)) is None:
            typer.echo(t("cli.nothing_to_resume", user=user))
        raise typer.Exit(run_console(store, user, specialty, persistent=url is not None))
    except StoreUnavailableError as exc:
        raise _fail(t("cli.redis_down_answers_kept", where=exc.where)) from exc
    except UnreadableRecordError as exc:
        raise _fail(
            t("cli.unreadable_newer", key=exc.key)
            if exc.newer
            else t("cli.unreadable_corrupt", key=exc.key)
        ) from exc


@app.command()
def migrate(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would change; write nothing.")
    ] = False,
    prefix: Annotated[str, typer.Option(help="Key prefix (the Slack app's is itss).")] = "itss",
    lang: LangOption = Lang.ja,
) -> None:
    """Rewrite results stored by earlier releases in this release's format (REDIS_URL).

    Optional: every reader takes the older format, this makes it small (docs/storage.md)."""
    with _speaking(lang):
        _migrate(dry_run=dry_run, prefix=prefix)


def _migrate(*, dry_run: bool, prefix: str) -> None:
    import os

    from flows.i18n import t
    from flows.storage import StoreUnavailableError
    from flows.storage.redis_migrate import migrate as run_migration
    from flows.storage.redis_store import RedisStore

    url = os.environ.get("REDIS_URL")
    if not url:
        raise _fail("REDIS_URL is not set: it names the Redis whose data is migrated.")
    try:
        store = RedisStore.from_url(url, prefix=prefix)
        report = run_migration(store, dry_run=dry_run)
    except StoreUnavailableError as exc:
        raise _fail(t("cli.redis_down_nothing_changed", where=exc.where)) from exc
    except ValueError as exc:
        raise _fail(f"{exc}") from exc
    would = "would " if dry_run else ""
    typer.echo(
        f"{report.people} people with results or an interview in progress: "
        f"{would}{'rewrite' if dry_run else 'rewrote'} {report.records} records, "
        f"{would}{'write' if dry_run else 'wrote'} {report.summaries} summaries and "
        f"{would}{'add' if dry_run else 'added'} {report.sessions} interviews in progress to "
        f"them; {report.unreadable} unreadable values left as they are; results "
        f"{report.bytes_before:,} → {report.bytes_after:,} bytes of JSON."
    )


@app.command("team")
def team_picture_command(
    png: Annotated[Path, typer.Option("--png", help="Write the team picture (PNG) here.")],
    team: Annotated[str, typer.Option(help="Slack workspace (team) id, e.g. T0123ABCD.")],
    manager: Annotated[
        str | None, typer.Option(help="Only this manager's reports (a user id); default: all.")
    ] = None,
    prefix: Annotated[str, typer.Option(help="Key prefix (the Slack app's is itss).")] = "itss",
    lang: LangOption = Lang.ja,
) -> None:
    """Draw the level distribution of a workspace's roster (or one manager's reports) from
    the results stored in REDIS_URL, as `/itss team` sends it, every count shown (an
    operator sees what an admin sees)."""
    with _speaking(lang):
        _team_picture(png, team, manager, prefix)


def _team_picture(png: Path, team: str, manager: str | None, prefix: str) -> None:
    import os

    from bot.picture import picture_rows, team_picture
    from flows.i18n import current, number, t, tn
    from flows.storage import StoreUnavailableError
    from flows.storage.redis_store import RedisStore
    from framework_data.loader import load_default
    from framework_data.translate import localized

    url = os.environ.get("REDIS_URL")
    if not url:
        raise _fail(t("cli.no_redis_url"))
    framework = localized(load_default(), current())
    try:
        store = RedisStore.from_url(url, prefix=prefix)
        roster = store.roster(team)
        members = sorted(m for m, ms in roster.items() if manager is None or manager in ms)
        summaries = store.summaries(team, members)
    except StoreUnavailableError as exc:
        raise _fail(t("cli.redis_down", where=exc.where)) from exc
    except ValueError as exc:
        raise _fail(f"{exc}") from exc
    if not members:
        raise _fail(t("cli.no_reports", team=team) if manager else t("cli.empty_roster", team=team))
    names = {s.id: s.name for s in framework.job_category.specialties}
    scope = t("cli.scope_manager", manager=manager) if manager else t("team.scope.all")
    image = team_picture(
        picture_rows(summaries),
        names,
        title=tn("team.picture_title", len(members), scope=scope),
        min_group=1,
        full_view=True,
    )
    try:
        png.write_bytes(image)
    except OSError as exc:
        raise _fail(t("cli.cannot_write", path=png, error=exc.strerror)) from exc
    typer.echo(tn("cli.picture_written", len(members), path=png, size=number(len(image))))


@framework_app.command("validate")
def framework_validate(file: Annotated[Path, typer.Argument(help="Framework YAML file.")]) -> None:
    """Validate a framework YAML; each error names the path of the bad field."""
    from framework_data.loader import FrameworkFileError, load_framework_file

    try:
        fw = load_framework_file(file)
    except FrameworkFileError as exc:
        raise _fail("\n".join(f"{file}: {p}" for p in exc.problems)) from exc
    jc = fw.job_category
    typer.echo(
        f"{file}: OK — {jc.name}: {len(jc.specialties)} specialties, levels "
        f"{min(jc.levels)}–{max(jc.levels)}, {len(jc.indicators)} indicators, {len(fw.facts)} facts"
    )


@app.command()
def serve(
    http: Annotated[
        bool, typer.Option("--http", help="Serve HTTP (production) instead of Socket Mode.")
    ] = False,
    host: Annotated[str, typer.Option(help="Bind address for --http.")] = "0.0.0.0",  # noqa: S104
    port: Annotated[int, typer.Option(min=1, max=65535)] = 3000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes for --http.")] = 2,
    threads: Annotated[
        int, typer.Option(min=1, max=256, help="Threads per worker for --http.")
    ] = 16,
) -> None:
    """Run the Slack app: Socket Mode (needs SLACK_APP_TOKEN), or HTTP with --http."""
    import logging

    from bot.settings import SettingsError, load_settings, settings_problems

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = load_settings(socket_mode=not http)
    except Exception as exc:
        problems = exc.problems if isinstance(exc, SettingsError) else settings_problems(exc)
        raise _fail(
            "Settings are missing or malformed (environment or .env, see .env.example):\n  "
            + "\n  ".join(problems)
        ) from exc
    from bot.server import SlackConnectError, serve_http, serve_socket_mode

    if http:
        serve_http(settings, host, port, workers, threads)
        return
    try:
        serve_socket_mode(settings)
    except SlackConnectError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc


def main() -> None:
    app()
