"""The processes of a load test: a private redis-server, the bot under `itss-bot serve --http`,
the floor app under gunicorn; CPU time per process tree; Redis counters."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TICK = os.sysconf("SC_CLK_TCK")
START_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name (index 0 is the state)."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2 :].split()


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    port: int

    @property
    def pid(self) -> int:
        return self.popen.pid

    def tree(self) -> list[int]:
        """This process and its children (gunicorn's workers)."""
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    if int(_stat(int(entry.name))[1]) == self.pid:
                        children.append(int(entry.name))
        return [self.pid, *children]

    def workers(self) -> list[int]:
        return self.tree()[1:]

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process tree so far."""
        total = 0
        for pid in self.tree():
            with contextlib.suppress(OSError, IndexError):
                fields = _stat(pid)
                total += int(fields[11]) + int(fields[12])
        return total / TICK

    def wait_port(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 1),
            ):
                return
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start:\n{self.tail()}")
            time.sleep(0.05)

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def errors(self) -> int:
        """Lines of the server log that report an error or a traceback."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return sum(1 for line in text.splitlines() if " ERROR " in line or "Traceback" in line)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)


def _spawn(name: str, argv: list[str], env: dict[str, str], tmp: Path, port: int) -> Proc:
    log = tmp / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp)
    proc = Proc(name, popen, log, port)
    try:
        proc.wait_port()
    except BaseException:
        proc.stop()
        raise
    return proc


def start_redis(tmp: Path) -> tuple[Proc, str]:
    """A private redis-server without persistence, so INFO counts only this run's commands."""
    port = free_port()
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(tmp)]  # fmt: skip
    return _spawn("redis", argv, dict(os.environ), tmp, port), f"redis://127.0.0.1:{port}/0"


BOT_TOKEN = "xoxb-bench-bot"  # noqa: S105 - the fake Slack tells the bot's calls by it
FLOOR_TOKEN = "xoxb-bench-floor"  # noqa: S105


def server_env(
    slack_api_url: str, secret: str, redis_url: str, timing: Path, token: str = BOT_TOKEN
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return {
        **env,
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": slack_api_url,
        "REDIS_URL": redis_url,
        "ITSS_ADMINS": "",
        "ITSS_TIMING_FILE": str(timing),
        "NO_PROXY": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
    }


def start_bot(
    tmp: Path, env: dict[str, str], workers: int, threads: int, name: str = "bot"
) -> Proc:
    """The bot as in production: `itss-bot serve --http` (gunicorn, gthread workers); its
    output goes to `name`.log."""
    port = free_port()
    argv = [str(BIN / "itss-bot"), "serve", "--http", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--threads", str(threads)]  # fmt: skip
    return _spawn(name, argv, env, tmp, port)


def start_floor(
    tmp: Path, env: dict[str, str], mode: str, workers: int, threads: int, *, name: str = ""
) -> Proc:
    """benchmarks/floor_app.py under gunicorn with the settings of bot.server.serve_http."""
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
            "--graceful-timeout", "10", "--pythonpath", str(ROOT),
            "benchmarks.floor_app:from_env()"]  # fmt: skip
    return _spawn(name or f"floor-{mode}", argv, {**env, "FLOOR_MODE": mode}, tmp, port)


def read_timing(path: Path) -> dict[str, tuple[float, float]]:
    """request id → (monotonic start, seconds) from the lines bot.server.timed appends."""
    out: dict[str, tuple[float, float]] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            began, seconds, rid = line.split(" ", 2)
            out[rid] = (float(began), float(seconds))
    return out


@dataclass(frozen=True)
class RedisCounters:
    commands: Counter[str]  # calls per command, those run inside Lua scripts included
    reads: int  # read events on client sockets: one per round trip for requests < 16 KB
    bytes_in: int


class RedisProbe:
    """INFO on one connection; `diff` subtracts the probe's own INFO call and read event."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = redis.Redis.from_url(url, decode_responses=True)

    def counters(self) -> RedisCounters:
        info = self.client.info("commandstats", "stats")
        commands: Counter[str] = Counter()
        for key, value in info.items():
            if key.startswith("cmdstat_") and isinstance(value, dict):
                commands[key.removeprefix("cmdstat_")] = int(value["calls"])
        return RedisCounters(
            commands, int(info["total_reads_processed"]), int(info["total_net_input_bytes"])
        )

    @staticmethod
    def diff(before: RedisCounters, after: RedisCounters) -> RedisCounters:
        commands = after.commands - before.commands
        commands["info"] -= 1
        return RedisCounters(
            +commands, after.reads - before.reads - 1, after.bytes_in - before.bytes_in
        )

    def memory_usage(self, key: str) -> int:
        return int(self.client.memory_usage(key, samples=0) or 0)

    def close(self) -> None:
        self.client.close()


class RedisTurns:
    """A TCP proxy in front of Redis that counts round trips. What a client sends is held until
    it has been quiet for 2 ms and then forwarded as one batch: a pipeline (sent at once,
    however many packets) is one batch, and a client that waits for each reply makes one batch
    per command, so batches are round trips. Runs in the benchmark's event loop and adds 2 ms
    to every call, so it sits only in front of a second bot instance used for accounting,
    never in front of the timed one."""

    QUIET = 0.002

    def __init__(self, redis_port: int) -> None:
        self.redis_port = redis_port
        self.turns = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.Future[Any]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for link in self._links:
                link.cancel()
            await asyncio.gather(*self._links, return_exceptions=True)
            await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.redis_port)
        link = asyncio.gather(
            self._upstream(client_r, server_w), self._downstream(server_r, client_w)
        )
        self._links.add(link)
        try:
            await link
        except asyncio.CancelledError:
            pass  # stop(): the proxy is going away
        finally:
            self._links.discard(link)
            client_w.close()
            server_w.close()

    async def _upstream(
        self, client_r: asyncio.StreamReader, server_w: asyncio.StreamWriter
    ) -> None:
        try:
            while data := await client_r.read(65536):
                while True:
                    try:
                        more = await asyncio.wait_for(client_r.read(65536), self.QUIET)
                    except TimeoutError:
                        break
                    if not more:
                        break
                    data += more
                self.turns += 1
                server_w.write(data)
                await server_w.drain()
        except ConnectionError:
            pass
        finally:
            server_w.close()

    async def _downstream(
        self, server_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
    ) -> None:
        try:
            while data := await server_r.read(65536):
                client_w.write(data)
                await client_w.drain()
        except ConnectionError:
            pass
        finally:
            client_w.close()
