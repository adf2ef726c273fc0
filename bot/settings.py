"""Settings from the environment or `.env` (pydantic-settings)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, FilePath, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from flows.calendar import ReminderPolicy, parse_quiet_hours

# Larger request bodies get 413. A payload repeats at most one message (50 blocks) or one
# modal (100 blocks), within Slack's limits, so 1 MiB leaves room.
MAX_BODY_BYTES = 1 << 20


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str = Field(pattern=r"^xoxb-")
    slack_signing_secret: str = Field(min_length=8)
    slack_app_token: str | None = Field(default=None, pattern=r"^xapp-")
    slack_api_url: str = "https://slack.com/api/"
    slack_api_timeout: int = Field(default=10, ge=1, le=60)  # seconds per Web API call
    # PEM file of the CAs trusted for Slack's HTTPS (instead of the system bundle), e.g.
    # behind a TLS-inspecting proxy. Unset: the system's (or SSL_CERT_FILE's) bundle.
    slack_ca_file: FilePath | None = None
    redis_url: str = "redis://localhost:6379/0"
    itss_admins: Annotated[tuple[str, ...], NoDecode] = ()
    session_ttl_days: int = Field(default=30, ge=1, le=365)
    event_dedupe_seconds: int = Field(default=600, ge=10)
    workers: int = Field(default=8, ge=1, le=64)  # threads for Web API calls after the ack
    # The outbox (docs/deploy.md): how often each process looks for deliveries due (0: never,
    # only right after the click that queued them), how long a claimed delivery is held, the
    # first retry delay (doubling up to 30 min) and how many tries before it finally fails.
    outbox_poll_seconds: float = Field(default=5.0, ge=0, le=3600)
    outbox_lease_seconds: float = Field(default=120.0, gt=0, le=3600)
    outbox_retry_base_seconds: float = Field(default=10.0, gt=0, le=3600)
    outbox_max_attempts: int = Field(default=10, ge=1, le=100)
    max_body_bytes: int = Field(default=MAX_BODY_BYTES, ge=1024)
    # Campaign reminders (docs/cycle.md#reminders): the local hour they go at, the quiet
    # hours they never go in (START-END, wrapping past midnight), how many per campaign and
    # person; campaign status hides teams smaller than CAMPAIGN_MIN_GROUP from non-admins.
    reminder_hour: int = Field(default=10, ge=0, le=23)
    quiet_hours: str = "20-8"
    reminder_max: int = Field(default=3, ge=0, le=20)
    campaign_min_group: int = Field(default=3, ge=1, le=100)

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


def settings_problems(exc: Exception) -> list[str]:
    """One line per missing or malformed setting, named as its environment variable."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return [str(exc)]
    lines = []
    for err in exc.errors(include_url=False):
        name = str(err["loc"][0]).upper() if err["loc"] else "?"
        reason = "missing" if err["type"] == "missing" else err["msg"]
        lines.append(f"{name}: {reason}")
    return lines
