"""Settings from the environment or `.env` (pydantic-settings)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, FilePath, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from flows.calendar import ReminderPolicy, parse_quiet_hours

# Larger request bodies get 413. A payload repeats at most one message (50 blocks) or one
# modal (100 blocks), within Slack's limits, so 1 MiB leaves room.
MAX_BODY_BYTES = 1 << 20

APPS = "https://api.slack.com/apps → your app"


class Settings(BaseSettings):
    # An empty value (`SLACK_APP_TOKEN=` in a copied .env.example) counts as unset.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    # The descriptions are what `itss-bot serve` prints beside a missing or malformed value.
    slack_bot_token: str = Field(
        pattern=r"^xoxb-",
        description="the bot's token for every Web API call; "
        f"{APPS} → OAuth & Permissions → Bot User OAuth Token (after Install to Workspace)",
    )
    slack_signing_secret: str = Field(
        min_length=8,
        description="verifies that each request comes from Slack; "
        f"{APPS} → Basic Information → App Credentials → Signing Secret",
    )
    slack_app_token: str | None = Field(
        default=None,
        pattern=r"^xapp-",
        description="opens the Socket Mode connection (scope connections:write); "
        f"{APPS} → Basic Information → App-Level Tokens → Generate",
    )
    slack_api_url: str = Field(default="https://slack.com/api/", description="the Web API base URL")
    slack_api_timeout: int = Field(default=10, ge=1, le=60, description="seconds per Web API call")
    # PEM file of the CAs trusted for Slack's HTTPS (instead of the system bundle), e.g.
    # behind a TLS-inspecting proxy. Unset: the system's (or SSL_CERT_FILE's) bundle.
    slack_ca_file: FilePath | None = Field(
        default=None, description="a PEM file of the CAs trusted for Slack's HTTPS"
    )
    redis_url: str = Field(
        default="redis://localhost:6379/0",
        description="where interviews, results and the roster are stored",
    )
    itss_admins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="comma-separated user ids allowed to edit the roster"
    )
    session_ttl_days: int = Field(
        default=30, ge=1, le=365, description="days an untouched interview is kept"
    )
    event_dedupe_seconds: int = Field(
        default=600, ge=10, description="how long an event id is remembered to drop retries"
    )
    workers: int = Field(
        default=8, ge=1, le=64, description="threads for the Web API calls after the ack"
    )
    # The outbox (docs/deploy.md): how often each process looks for deliveries due (0: never,
    # only right after the click that queued them), how long a claimed delivery is held, the
    # first retry delay (doubling up to 30 min) and how many tries before it finally fails.
    outbox_poll_seconds: float = Field(
        default=5.0, ge=0, le=3600, description="how often the outbox looks for deliveries due"
    )
    outbox_lease_seconds: float = Field(
        default=120.0, gt=0, le=3600, description="how long a claimed delivery is held"
    )
    outbox_retry_base_seconds: float = Field(
        default=10.0, gt=0, le=3600, description="the first retry delay of a delivery"
    )
    outbox_max_attempts: int = Field(
        default=10, ge=1, le=100, description="tries before a delivery finally fails"
    )
    max_body_bytes: int = Field(
        default=MAX_BODY_BYTES, ge=1024, description="the largest request body accepted"
    )
    # The audit log (docs/cycle.md#audit): how long an event is kept. 400 days = a yearly
    # assessment cycle plus a month, so the previous cycle's trail is still there when the
    # next one is reviewed.
    audit_retention_days: int = Field(
        default=400, ge=1, le=3650, description="days the audit log keeps an event"
    )
    # Aggregates shown to anyone but admins hide a group smaller than this (flows/privacy.py).
    aggregate_min_group: int = Field(
        default=3, ge=1, le=100, description="the smallest group an aggregate shows to non-admins"
    )
    # Campaign reminders (docs/cycle.md#reminders): the local hour they go at, the quiet
    # hours they never go in (START-END, wrapping past midnight), how many per campaign and
    # person; campaign status hides teams smaller than CAMPAIGN_MIN_GROUP from non-admins.
    reminder_hour: int = Field(
        default=10, ge=0, le=23, description="the local hour campaign reminders go at"
    )
    quiet_hours: str = Field(
        default="20-8", description="local hours no reminder goes in, START-END"
    )
    reminder_max: int = Field(
        default=3, ge=0, le=20, description="reminders per campaign and person, at most"
    )
    campaign_min_group: int = Field(
        default=3, ge=1, le=100, description="the smallest team campaign status shows to non-admins"
    )

    @field_validator("itss_admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(v.strip() for v in value.replace(" ", ",").split(",") if v.strip())
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        parse_quiet_hours(value)  # ValueError names the problem
        return value

    @model_validator(mode="after")
    def _reminder_outside_quiet_hours(self) -> Settings:
        self.reminder_policy  # noqa: B018 - ValueError when REMINDER_HOUR is in quiet hours
        return self

    @property
    def reminder_policy(self) -> ReminderPolicy:
        start, end = parse_quiet_hours(self.quiet_hours)
        return ReminderPolicy(self.reminder_hour, start, end, self.reminder_max)

    @property
    def session_ttl_seconds(self) -> int:
        return self.session_ttl_days * 86400

    @property
    def audit_retention_seconds(self) -> int:
        return self.audit_retention_days * 86400


class SocketModeSettings(Settings):
    """`itss-bot serve` without `--http`: the app-level token is required as well, so that a
    missing one is listed with the other problems instead of after they are fixed."""

    slack_app_token: str = Field(
        pattern=r"^xapp-",
        description="opens the Socket Mode connection (scope connections:write); "
        f"{APPS} → Basic Information → App-Level Tokens → Generate; "
        "or run `itss-bot serve --http` instead",
    )


class SettingsError(Exception):
    """Settings that cannot start the app; `problems` has one line per setting."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_settings(*, socket_mode: bool) -> Settings:
    """The settings for `itss-bot serve`, or SettingsError listing every problem at once."""
    model = SocketModeSettings if socket_mode else Settings
    try:
        return model()
    except ValidationError as exc:
        raise SettingsError(settings_problems(exc, model)) from exc


def settings_problems(exc: Exception, model: type[Settings] = Settings) -> list[str]:
    """One line per missing or malformed setting, named as its environment variable, with
    what it is for (and, for Slack's secrets, where to get it). Values are never shown."""
    if not isinstance(exc, ValidationError):
        return [str(exc)]
    lines = []
    for err in exc.errors(include_url=False, include_input=False):
        field = str(err["loc"][0]) if err["loc"] else "?"
        info = model.model_fields.get(field)
        why = f" — {info.description}" if info is not None and info.description else ""
        lines.append(
            f"{field.upper()}: {_reason(err['type'], err.get('ctx') or {}, err['msg'])}{why}"
        )
    return lines


def _reason(kind: str, ctx: dict[str, Any], message: str) -> str:
    if kind == "missing":
        return "missing"
    if kind == "string_pattern_mismatch":
        return f"must start with {str(ctx.get('pattern', '')).lstrip('^')}"
    if kind == "string_too_short":
        return f"too short (at least {ctx.get('min_length')} characters)"
    return message
