"""Test hubs started by forking a process that has already imported the hub ("zygote").

A test hub is ``python -m handover hub ...`` in its own process over real HTTPS. Of its ~1.6 s
of CPU to start, ~1.3 s is the interpreter importing FastAPI, SQLAlchemy, Alembic and the
office; with ~300 hub starts that is most of the suite's time on two cores. So each pytest
worker starts, once and lazily, a small helper that imports those modules and then forks a
child per hub. The child is faithful to the real command: it runs the same entry point
(``handover/__main__.py`` through ``runpy``, as ``python -m`` does) with the requested argv,
environment (replaced wholesale), working folder and console file, in its own process with
default signal handlers, fresh random state and no fd of the helper. Only the interpreter's
start-up and the imports are shared; nothing the hub reads from its environment is read at
import time (checked: admin/, db/, handover/ read ``os.environ`` only inside functions).

``HANDOVER_TEST_HUB_FORK=0`` starts every test hub the old way. Tests of the command line or of
the process itself (start-up, imports, the wheel, deploy, stopping) keep ``subprocess``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
# What ``handover hub`` imports on its way to serving: imported once in the helper.
PRELOAD = (
    "admin.app",
    "admin.config",
    "admin.first_run",
    "admin.ops.health",
    "admin.ops.logs",
    "admin.tls",
    "db.migrate",
    "handover.cli",
    "handover.hub_server",
    "handover.running",
    "handover.tls_renewal",
    "uvicorn",
    "uvicorn.lifespan.on",
    "uvicorn.loops.auto",
    "uvicorn.protocols.http.auto",
    "uvicorn.protocols.websockets.auto",
)


class HubProcess(Protocol):
    """What RunningHub and Hub use of ``subprocess.Popen``."""

    pid: int
    returncode: int | None

    def poll(self) -> int | None: ...
    def wait(self, timeout: float | None = None) -> int: ...
    def send_signal(self, sig: int) -> None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...


def forking() -> bool:
    return os.environ.get("HANDOVER_TEST_HUB_FORK", "1") != "0"


def start_handover(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    console: Path,
    fork: bool = True,
) -> HubProcess:
    """``python -m handover ARGS`` with ``env``, its stdout and stderr appended to ``console``:
    forked from the helper unless ``fork`` is false or HANDOVER_TEST_HUB_FORK=0."""
    if fork and forking():
        helper = _helper()
        if helper.can_run(env):
            return helper.spawn(list(args), env=dict(env), console=console, cwd=os.getcwd())
    with console.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "handover", *args], env=dict(env), stdout=out, stderr=out
        )


# --- The test's side ------------------------------------------------------------------------


# Read once, at start-up or import, by the interpreter (PYTHON*) or by a library the hub imports
# (prometheus_client: PROMETHEUS_*; numpy: NPY_*): a hub wanting other values than the helper
# has is started the old way. None of the hub's own modules reads its environment at import.
READ_AT_IMPORT = ("PYTHON", "PROMETHEUS_", "prometheus_multiproc_dir", "NPY_")


def _interpreter_env(env: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith(READ_AT_IMPORT)}


class _Helper:
    def __init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOVER_")}
        self.env = env
        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.hub_fork"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env=env,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.to, self.back = self.process.stdin, self.process.stdout
        ready = self.ask({"op": "hello"})
        assert ready.get("ready"), ready

    def can_run(self, env: Mapping[str, str]) -> bool:
        return self.process.poll() is None and _interpreter_env(env) == _interpreter_env(self.env)

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            return self._exchange(request)

    def _exchange(self, request: dict[str, Any]) -> dict[str, Any]:
        self.to.write(json.dumps(request).encode() + b"\n")
        self.to.flush()
        line = self.back.readline()
        if not line:
            raise RuntimeError(f"the hub fork helper ended ({self.process.poll()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def spawn(self, args: list[str], *, env: dict[str, str], console: Path, cwd: str) -> Forked:
        request = {"op": "spawn", "args": args, "env": env, "console": str(console), "cwd": cwd}
        with self.lock:  # no reaping between the fork and pidfd_open: the pid stays the child's
            pid: int = self._exchange(request)["pid"]
            return Forked(self, pid, os.pidfd_open(pid), args)

    def close(self) -> None:
        if os.getpid() != self.owner:
            return
        self.to.close()  # the helper reads EOF, stops its hubs and ends
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


class Forked:
    """A hub forked by the helper: its child, not ours. Signals go to its pidfd (never to a
    reused pid); its exit status comes from the helper, which reaps it."""

    def __init__(self, helper: _Helper, pid: int, pidfd: int, args: list[str]) -> None:
        self.helper, self.pid, self.pidfd = helper, pid, pidfd
        self.args = [sys.executable, "-m", "handover", *args]
        self.returncode: int | None = None

    def _ended(self, timeout: float | None) -> bool:
        return bool(select.select([self.pidfd], [], [], timeout)[0])

    def _collect(self) -> int:
        code: int = self.helper.ask({"op": "status", "pid": self.pid})["returncode"]
        self.returncode = code
        os.close(self.pidfd)
        return code

    def poll(self) -> int | None:
        if self.returncode is None and self._ended(0):
            self._collect()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is not None:
            return self.returncode
        if not self._ended(timeout):
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self._collect()

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # ended meanwhile, as with Popen
                signal.pidfd_send_signal(self.pidfd, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


_helpers: dict[int, _Helper] = {}


def _helper() -> _Helper:
    """This pytest worker's helper, started on its first hub and ended when the worker ends."""
    helper = _helpers.get(os.getpid())
    if helper is None or helper.process.poll() is not None:
        helper = _helpers[os.getpid()] = _Helper()
        atexit.register(helper.close)
    return helper


# --- The helper's side (python -m tests.hub_fork) --------------------------------------------


def _serve(requests: IO[bytes], answers: IO[bytes]) -> dict[str, Any]:
    """Answers requests until EOF; returns only in a forked child, with its request."""
    ended: dict[int, int] = {}
    hubs: set[int] = set()
    for line in requests:
        request = json.loads(line)
        _reap(hubs, ended)
        answer: dict[str, Any]
        if request["op"] == "hello":
            answer = {"ready": True}
        elif request["op"] == "spawn":
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                requests.close()
                answers.close()
                return dict(request)
            hubs.add(pid)
            answer = {"pid": pid}
        else:  # status, asked once the pidfd said it ended
            pid = request["pid"]
            if pid in hubs:
                hubs.discard(pid)
                ended[pid] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            answer = {"returncode": ended.pop(pid, None)}
        answers.write(json.dumps(answer).encode() + b"\n")
        answers.flush()
    _stop(hubs)
    raise SystemExit(0)


def _reap(hubs: set[int], ended: dict[int, int]) -> None:
    for pid in list(hubs):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            hubs.discard(pid)
            ended[pid] = os.waitstatus_to_exitcode(status)


def _stop(hubs: set[int]) -> None:
    """The worker has gone: no hub outlives it (a failed test's hub included)."""
    for pid in hubs:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _become_hub(request: dict[str, Any], start_cwd: str) -> None:
    """In the child: the process ``python -m handover ARGS`` would be, then run it."""
    import ctypes
    import random
    import runpy
    import time

    # The helper ending (killed with its worker) ends its hubs too.
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGQUIT, signal.SIGUSR1):
        signal.signal(sig, signal.SIG_DFL)
    os.chdir(request["cwd"])
    if sys.path and sys.path[0] == start_cwd:  # python -m puts its working folder first
        sys.path[0] = request["cwd"]
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    null = os.open(os.devnull, os.O_RDONLY)
    console = os.open(request["console"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(null, 0)
    os.dup2(console, 1)
    os.dup2(console, 2)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # as Popen's close_fds
    random.seed()
    sys.argv = ["-m", *request["args"]]
    runpy.run_module("handover", run_name="__main__", alter_sys=True)


def _helper_main() -> None:
    import importlib

    # The protocol on fds of its own; fd 1 is stderr so that no print can garble an answer.
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    # PIL imports numpy (for its type hints), whose OpenBLAS starts a thread pool at import: a
    # pool that a fork would not copy. The hub does no array maths, so one thread is the same
    # hub; the child's environment is the requested one all the same.
    for pool in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[pool] = "1"
    for name in PRELOAD:
        importlib.import_module(name)
    threads = len(os.listdir("/proc/self/task"))
    if threading.active_count() != 1 or threads != 1:
        raise SystemExit(f"hub fork helper: {threads} threads after imports, cannot fork safely")
    request = _serve(requests, answers)
    _become_hub(request, str(ROOT))


if __name__ == "__main__":
    _helper_main()
