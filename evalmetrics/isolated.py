"""Run a task function in a separate worker process, one payload at a time, with a wall-clock deadline per payload.

Some harness metrics can only be reproduced exactly by running the harness's own code (math-verify's ``parse`` and
``verify``, sympy's ``parse_latex``). That code has no reliable time bound from a thread and can exhaust memory, so it
never runs in the caller's process: :func:`run_isolated` sends each payload to a persistent worker process and waits
at most ``timeout_s`` seconds for its answer. On expiry the worker is killed (the parent sends no signals to itself,
so this works from any thread) and the payload is reported as timed out; a fresh worker serves the rest. Where the
platform has ``resource.RLIMIT_AS`` (Unix), the worker's address space is capped at ``memory_mb``, so a memory bomb
becomes a ``MemoryError`` (an ``"error"`` outcome) instead of an out-of-memory kill of the machine.

>>> outs = run_isolated("evalmetrics.isolated:_selftest_echo", [1, "a"], timeout_s=30)  # doctest: +SKIP
>>> [(o.status, o.value) for o in outs]  # doctest: +SKIP
[('ok', 1), ('ok', 'a')]

Rules:

- ``task`` is ``"package.module:function"`` naming a module-level function *inside the evalmetrics package*; it takes
  one picklable payload and returns a picklable value. Anything else raises :class:`InvalidConfig`.
- One :class:`Outcome` per payload, in input order: ``status`` is ``"ok"`` (``value`` holds the return value),
  ``"timeout"`` (the deadline passed; the worker was killed), or ``"error"`` (``error`` is ``"<ExcType>: message"``
  for an exception raised by the task, or says how the worker died: a crash, a kill, an unpicklable result).
  Nothing a task does raises in the caller's process.
- The deadline covers one payload's computation, not the worker's start-up (importing the task module).
- Workers are pooled per (task module, memory cap): started lazily, reused across calls, closed at interpreter exit.
  Each pool has a lock, so calls from several threads are safe (they take turns).
- Workers are started as fresh interpreters (``sys.executable -c ...``), never forked, so the caller's threads,
  locks and ``__main__`` module play no part; they run with ``PYTHONHASHSEED=0`` so that results do not depend on
  the caller's hash seed.
"""
from __future__ import annotations

import atexit
import importlib.util
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from typing import Any, NamedTuple, Sequence

from .errors import InvalidConfig

__all__ = ["run_isolated", "Outcome", "shutdown", "in_worker"]

#: Set to "1" in every worker's environment: worker-side modules patch harness code only where it is set.
WORKER_ENV = "EVALMETRICS_ISOLATED_WORKER"


def in_worker() -> bool:
    """True inside a worker process started by :func:`run_isolated` (worker modules patch harness code only there,
    never in a process that merely imports them, such as a test run collecting doctests)."""
    return os.environ.get(WORKER_ENV) == "1"

#: Seconds a worker may take to start and import its task module before the call fails.
STARTUP_TIMEOUT_S = 120.0

_HEADER = struct.Struct("<Q")
_ALLOWED_PACKAGE = "evalmetrics"


class Outcome(NamedTuple):
    """What became of one payload: ``status`` ("ok", "timeout" or "error"), ``value`` (the task's return value when
    ok, else None) and ``error`` (``"<ExcType>: message"`` or how the worker died; None when ok)."""

    status: str
    value: Any = None
    error: str | None = None


# ----------------------------------------------------------------------------------------------------------------
# task names

def _split_task(task: Any) -> tuple[str, str]:
    if not isinstance(task, str) or task.count(":") != 1:
        raise InvalidConfig(f"run_isolated: task must be 'package.module:function'; got {task!r}")
    module, func = task.split(":")
    parts = module.split(".")
    if not all(p.isidentifier() for p in parts) or not func.isidentifier():
        raise InvalidConfig(f"run_isolated: task must be 'package.module:function'; got {task!r}")
    if parts[0] != _ALLOWED_PACKAGE:
        raise InvalidConfig(
            f"run_isolated: only functions inside the {_ALLOWED_PACKAGE} package may run in a worker; got {task!r}"
        )
    if func.startswith("__"):
        raise InvalidConfig(f"run_isolated: task function may not be a dunder name; got {task!r}")
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        raise InvalidConfig(f"run_isolated: task module {module!r} does not exist")
    return module, func


# ----------------------------------------------------------------------------------------------------------------
# framing: 8-byte little-endian length, then a pickle

def _write_frame(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_exact(stream, n: int) -> bytes | None:
    chunks = []
    while n:
        b = stream.read(n)
        if not b:
            return None
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def _read_frame(stream):
    """The next object, or raises EOFError when the stream ends."""
    head = _read_exact(stream, _HEADER.size)
    if head is None:
        raise EOFError
    body = _read_exact(stream, _HEADER.unpack(head)[0])
    if body is None:
        raise EOFError
    return pickle.loads(body)


# ----------------------------------------------------------------------------------------------------------------
# the worker side

def _set_memory_limit(memory_mb: int | None) -> None:
    if memory_mb is None:
        return
    try:
        import resource
    except ImportError:  # Windows: no address-space limit
        return
    limit = int(memory_mb) * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and hard < limit:
        limit = hard
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # e.g. macOS, where RLIMIT_AS is not enforced
        pass


def _worker_main() -> None:
    """Entry point of a worker process: serve ``(function, payload)`` requests on fd 0, answer on fd 1."""
    # The protocol owns the original stdin/stdout; the task sees /dev/null and stderr instead, so a print() in a task
    # cannot corrupt a frame.
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:  # Ctrl-C at the terminal reaches the whole process group; the parent alone decides what to do
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ImportError, ValueError, OSError):
        pass
    try:
        module_name, memory_mb = _read_frame(proto_in)
    except EOFError:
        return
    _set_memory_limit(memory_mb)
    try:
        import importlib

        module = importlib.import_module(module_name)
    except BaseException as e:  # noqa: BLE001 - reported to the parent
        _write_frame(proto_out, ("failed", f"{type(e).__name__}: {e}"))
        return
    _write_frame(proto_out, ("ready", None))
    while True:
        try:
            func_name, payload = _read_frame(proto_in)
        except EOFError:
            return
        try:
            func = getattr(module, func_name)
            value = func(payload)
            try:
                data = pickle.dumps(("ok", value), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as e:  # noqa: BLE001
                data = pickle.dumps(("error", f"unpicklable result: {type(e).__name__}: {e}"))
        except MemoryError as e:
            data = pickle.dumps(("error", f"MemoryError: {e}" if str(e) else "MemoryError: out of memory"))
        except BaseException as e:  # noqa: BLE001 - every failure of a task is an outcome, never a crash
            try:
                data = pickle.dumps(("error", f"{type(e).__name__}: {e}"))
            except Exception:  # noqa: BLE001 - str(e) itself failed
                data = pickle.dumps(("error", f"{type(e).__name__}"))
        proto_out.write(_HEADER.pack(len(data)))
        proto_out.write(data)
        proto_out.flush()


# ----------------------------------------------------------------------------------------------------------------
# the parent side

_EOF = object()


class _Worker:
    """One running worker process and the thread that reads its answers into a queue."""

    def __init__(self, module: str, memory_mb: int | None):
        env = dict(os.environ)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env["PYTHONHASHSEED"] = "0"
        env[WORKER_ENV] = "1"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from evalmetrics.isolated import _worker_main; _worker_main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        self.answers: queue.Queue = queue.Queue()
        self.reader = threading.Thread(target=self._read, name="evalmetrics-isolated-reader", daemon=True)
        self.reader.start()
        try:
            _write_frame(self.proc.stdin, (module, memory_mb))
        except OSError:
            pass  # the worker died at once; reported by the wait below
        try:
            kind, detail = self._get(STARTUP_TIMEOUT_S)
        except queue.Empty:
            self.kill()
            raise InvalidConfig(
                f"run_isolated: the worker for {module!r} did not start within {STARTUP_TIMEOUT_S:g} s"
            ) from None
        if kind != "ready":
            self.kill()
            why = detail if kind == "failed" else self.death_reason()
            raise InvalidConfig(f"run_isolated: the worker could not import {module!r}: {why}")

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            try:
                obj = _read_frame(stream)
            except Exception:  # noqa: BLE001 - EOF, or a torn frame from a dying worker
                self.answers.put((_EOF, None))
                return
            self.answers.put(obj)

    def _get(self, timeout: float):
        item = self.answers.get(timeout=max(timeout, 0.0))
        if item[0] is _EOF:
            return ("died", None)
        return item

    def run(self, func: str, payload: Any, timeout_s: float) -> Outcome:
        """One payload. On timeout or death the worker is dead afterwards (``alive`` is False)."""
        try:
            data = pickle.dumps((func, payload), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as e:  # noqa: BLE001 - the payload cannot be pickled; the worker is untouched
            return Outcome("error", None, f"unpicklable payload: {type(e).__name__}: {e}")
        try:
            self.proc.stdin.write(_HEADER.pack(len(data)))
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (OSError, ValueError):  # broken pipe / closed: the worker is gone
            self.kill()
            return Outcome("error", None, f"worker died: {self.death_reason()}")
        try:
            kind, detail = self._get(timeout_s)
        except queue.Empty:
            self.kill()
            return Outcome("timeout", None, f"no result within {timeout_s:g} s; worker killed")
        if kind == "ok":
            return Outcome("ok", detail, None)
        if kind == "error":
            return Outcome("error", None, detail)
        self.kill()
        return Outcome("error", None, f"worker died: {self.death_reason()}")

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def death_reason(self) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "stopped answering"
        if code < 0:
            import signal

            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
        return f"exited with code {code}"

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for s in (self.proc.stdin, self.proc.stdout):
            try:
                s.close()
            except Exception:  # noqa: BLE001
                pass

    def close(self) -> None:
        """Ask the worker to exit (end of its input), then make sure it has."""
        try:
            self.proc.stdin.close()
        except Exception:  # noqa: BLE001
            pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


class _Pool:
    """The worker of one (task module, memory cap); a lock makes each batch run alone."""

    def __init__(self, module: str, memory_mb: int | None):
        self.module = module
        self.memory_mb = memory_mb
        self.lock = threading.Lock()
        self.worker: _Worker | None = None
        self.starts = 0

    def _ensure(self) -> _Worker:
        if self.worker is None or not self.worker.alive:
            if self.worker is not None:
                self.worker.kill()
            self.worker = None
            self.worker = _Worker(self.module, self.memory_mb)
            self.starts += 1
        return self.worker

    def run(self, func: str, payloads: Sequence[Any], timeout_s: float) -> list[Outcome]:
        out: list[Outcome] = []
        with self.lock:
            try:
                for payload in payloads:
                    worker = self._ensure()
                    outcome = worker.run(func, payload, timeout_s)
                    if not worker.alive:
                        worker.kill()
                        self.worker = None
                    out.append(outcome)
            except BaseException:
                # Interrupted (KeyboardInterrupt, ...) while a payload may still be running: its late answer must
                # never be read as the answer to a later payload, so that worker goes.
                if self.worker is not None:
                    self.worker.kill()
                    self.worker = None
                raise
        return out

    def close(self) -> None:
        with self.lock:
            if self.worker is not None:
                self.worker.close()
                self.worker = None


_pools: dict[tuple[str, int | None], _Pool] = {}
_pools_lock = threading.Lock()
_pools_pid = os.getpid()


def _pool(module: str, memory_mb: int | None) -> _Pool:
    global _pools_pid
    with _pools_lock:
        if _pools_pid != os.getpid():  # a forked child: the parent's workers are not ours to use
            _pools.clear()
            _pools_pid = os.getpid()
        key = (module, memory_mb)
        p = _pools.get(key)
        if p is None:
            p = _pools[key] = _Pool(module, memory_mb)
        return p


def shutdown() -> None:
    """Close every worker this process started (also run at interpreter exit)."""
    with _pools_lock:
        if _pools_pid != os.getpid():
            _pools.clear()
            return
        pools = list(_pools.values())
        _pools.clear()
    for p in pools:
        p.close()


atexit.register(shutdown)


def run_isolated(
    task: str, payloads: Sequence[Any], timeout_s: float = 5.0, memory_mb: int | None = 4096
) -> list[Outcome]:
    """Run ``task`` on each payload in a worker process; one :class:`Outcome` per payload, in input order.

    ``timeout_s``: wall-clock seconds one payload may take (the worker is killed and restarted on expiry).
    ``memory_mb``: the worker's address-space cap in MiB where ``RLIMIT_AS`` exists (None: no cap).
    Raises :class:`InvalidConfig` for a task outside the evalmetrics package, bad bounds, or a task module that
    cannot be imported in the worker; never for anything the task does with a payload.
    """
    module, func = _split_task(task)
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or not (0 < timeout_s < float("inf")):
        raise InvalidConfig(f"run_isolated: timeout_s must be a positive finite number of seconds; got {timeout_s!r}")
    if memory_mb is not None and (isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or memory_mb < 64):
        raise InvalidConfig(f"run_isolated: memory_mb must be an integer >= 64 or None; got {memory_mb!r}")
    payloads = list(payloads)
    if not payloads:
        return []
    return _pool(module, memory_mb).run(func, payloads, float(timeout_s))


# ----------------------------------------------------------------------------------------------------------------
# tiny tasks for the tests of this module (the allowlist admits only functions inside evalmetrics)

def _selftest_echo(payload):
    return payload


def _selftest_sleep(seconds):
    time.sleep(seconds)
    return seconds


def _selftest_raise(message):
    raise ValueError(message)


def _selftest_allocate(megabytes):
    block = bytearray(int(megabytes) * 1024 * 1024)
    return len(block)


def _selftest_crash(code):
    os._exit(int(code))


def _selftest_pid(_payload):
    return os.getpid()


def _selftest_unpicklable(_payload):
    return threading.Lock()


def _selftest_print(payload):
    print("noise on stdout", payload)
    return payload
