"""The bounded worker executor: deadlines, memory cap, crashes, the allowlist, threads, ordering, pool reuse."""
import sys
import threading

import pytest

from evalmetrics import InvalidConfig
from evalmetrics.isolated import Outcome, run_isolated

T = "evalmetrics.isolated:"


def test_results_in_input_order_and_pool_reused():
    payloads = [3, "x", None, {"k": [1, 2]}, 2.5, (1, "a")]
    outs = run_isolated(T + "_selftest_echo", payloads, timeout_s=30)
    assert outs == [Outcome("ok", p, None) for p in payloads]
    pid1 = run_isolated(T + "_selftest_pid", [0, 0], timeout_s=30)
    pid2 = run_isolated(T + "_selftest_pid", [0], timeout_s=30)
    assert pid1[0].value == pid1[1].value == pid2[0].value  # one worker per task module, reused across calls
    assert pid1[0].value != __import__("os").getpid()


def test_timeout_kills_worker_and_the_next_payload_still_runs():
    before = run_isolated(T + "_selftest_pid", [0], timeout_s=30)[0].value
    outs = run_isolated(T + "_selftest_sleep", [0.0, 30.0, 0.0], timeout_s=1.0)
    assert [o.status for o in outs] == ["ok", "timeout", "ok"]
    assert outs[1].value is None and "1 s" in outs[1].error
    after = run_isolated(T + "_selftest_pid", [0], timeout_s=30)[0].value
    assert after != before  # a fresh worker replaced the killed one


def test_task_exception_is_an_error_outcome():
    outs = run_isolated(T + "_selftest_raise", ["boom"], timeout_s=30)
    assert outs == [Outcome("error", None, "ValueError: boom")]
    outs = run_isolated(T + "_selftest_unpicklable", [0], timeout_s=30)
    assert outs[0].status == "error" and "unpicklable result" in outs[0].error
    pid = run_isolated(T + "_selftest_pid", [0], timeout_s=30)[0].value
    outs = run_isolated(T + "_selftest_echo", [1, threading.Lock(), 2], timeout_s=30)
    assert [o.status for o in outs] == ["ok", "error", "ok"] and "unpicklable payload" in outs[1].error
    assert run_isolated(T + "_selftest_pid", [0], timeout_s=30)[0].value == pid  # the worker was not disturbed


def test_worker_death_is_an_error_and_the_worker_restarts():
    outs = run_isolated(T + "_selftest_crash", [7], timeout_s=30)
    assert outs[0].status == "error" and "exited with code 7" in outs[0].error
    assert run_isolated(T + "_selftest_echo", [1], timeout_s=30) == [Outcome("ok", 1, None)]


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
def test_memory_cap_turns_a_memory_bomb_into_an_error():
    outs = run_isolated(T + "_selftest_allocate", [8, 4096, 8], timeout_s=30, memory_mb=1024)
    assert [o.status for o in outs] == ["ok", "error", "ok"]
    assert outs[1].error.startswith("MemoryError")


def test_print_in_a_task_does_not_corrupt_the_protocol():
    assert run_isolated(T + "_selftest_print", ["p"], timeout_s=30) == [Outcome("ok", "p", None)]


@pytest.mark.parametrize(
    "task",
    ["os:system", "builtins:eval", "evalmetricsx.isolated:_selftest_echo", "evalmetrics.isolated", "a:b:c",
     "evalmetrics.no_such_module:f", "evalmetrics.isolated:__import__", 3, None, "evalmetrics.isolated:x y"],
)
def test_task_outside_evalmetrics_or_malformed_is_refused(task):
    with pytest.raises(InvalidConfig):
        run_isolated(task, [1])


@pytest.mark.parametrize("kw", [{"timeout_s": 0}, {"timeout_s": float("inf")}, {"timeout_s": True},
                                {"memory_mb": 10}, {"memory_mb": 1.5}])
def test_bad_bounds_are_refused(kw):
    with pytest.raises(InvalidConfig):
        run_isolated(T + "_selftest_echo", [1], **kw)


def test_empty_payloads():
    assert run_isolated(T + "_selftest_echo", [], timeout_s=30) == []


def test_works_from_threads_concurrently():
    results: dict[int, list] = {}
    errors: list = []

    def job(k):
        try:
            results[k] = run_isolated(T + "_selftest_echo", [(k, j) for j in range(20)], timeout_s=30)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=job, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    for k in range(4):
        assert [o.value for o in results[k]] == [(k, j) for j in range(20)]
