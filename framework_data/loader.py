"""Load and validate framework YAML files; the bundled one is read once and cached."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from framework_data.integrity import FrameworkIntegrityError
from framework_data.models import Framework

DEFAULT_RESOURCE = "data/operations.yaml"


class FrameworkFileError(Exception):
    """A framework file that cannot be used; `problems` lists `path: message` lines."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def parse_framework(text: str, source: str = "<string>") -> Framework:
    """Parse YAML text into a Framework, raising FrameworkFileError with field paths."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FrameworkFileError(source, [f"YAML syntax: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise FrameworkFileError(source, ["(root): expected a mapping at the top of the file"])
    try:
        return Framework.model_validate(raw)
    except ValidationError as exc:
        problems: list[str] = []
        for err in exc.errors(include_url=False):
            ctx_error = (err.get("ctx") or {}).get("error")
            if isinstance(ctx_error, FrameworkIntegrityError):
                problems.extend(ctx_error.problems)
            else:
                problems.append(f"{_location(tuple(err['loc']))}: {err['msg']}")
        raise FrameworkFileError(source, problems) from exc


def load_framework_file(path: Path) -> Framework:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FrameworkFileError(str(path), [f"cannot read file: {exc.strerror}"]) from exc
    return parse_framework(text, str(path))


@cache
def load_default() -> Framework:
    """The bundled オペレーション framework (works from a source tree and an installed wheel)."""
    text = resources.files("framework_data").joinpath(DEFAULT_RESOURCE).read_text(encoding="utf-8")
    return parse_framework(text, f"framework_data/{DEFAULT_RESOURCE}")
