"""How `firsthand worker` reads SIGTERM: stop after the current task, never mid-transaction."""

import os
import signal

import pytest

from firsthand.system.worker import new_worker, stop_on_signals


@pytest.fixture
def restored_signal_handlers():
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def test_first_sigterm_only_asks_the_loop_to_stop_and_a_second_forces_it(restored_signal_handlers):
    worker = new_worker()
    stop_on_signals(worker)

    # No exception where the main thread happens to be (django-tasks' handler raised SystemExit
    # here, which could land inside the transaction claiming a task).
    os.kill(os.getpid(), signal.SIGTERM)
    assert worker.running is False

    with pytest.raises(SystemExit) as forced:
        os.kill(os.getpid(), signal.SIGTERM)
    assert forced.value.code == 1
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_ctrl_c_is_read_the_same_way(restored_signal_handlers):
    worker = new_worker()
    stop_on_signals(worker)
    os.kill(os.getpid(), signal.SIGINT)
    assert worker.running is False
