"""The background worker: django-tasks' database worker, the publishing engine, and a heartbeat.

`firsthand worker` runs it in the main thread; `firsthand serve` runs it in a
thread beside the web server. Any number may run against one PostgreSQL
database: django-tasks claims each task with SELECT ... FOR UPDATE SKIP LOCKED.
"""

import logging
import os
import signal
import socket
import sys
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from firsthand.system.models import WorkerHeartbeat

logger = logging.getLogger("firsthand.worker")


class Heartbeat:
    def __init__(self, worker_id: str, embedded: bool):
        self.worker_id = worker_id
        self.embedded = embedded
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, name="firsthand-heartbeat", daemon=True)

    def start(self):
        self.beat()
        self.thread.start()

    def beat(self):
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "embedded": self.embedded,
                "beat_at": timezone.now(),
            },
        )

    def run(self):
        while not self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
            try:
                close_old_connections()
                self.beat()
            except DatabaseError:
                # The database is away for a moment; /healthz will show the beat's age.
                logger.warning("worker heartbeat could not be written", exc_info=True)
        connection.close()

    def stop(self):
        self.stopped.set()
        if self.thread.ident is not None:  # started
            self.thread.join(timeout=5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            # /healthz counts the beat as stale once it ages; say why it outlived the worker.
            logger.warning("worker heartbeat could not be removed", exc_info=True)
        connection.close()


def new_worker(interval: float = 1.0) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )


def stop_on_signals(worker: Worker) -> None:
    """The first SIGTERM, SIGINT or SIGQUIT asks the loop to stop; a second one forces it.

    django-tasks' own handler raises SystemExit when no task runs, wherever the main thread is:
    inside the transaction that claims a task it could leave the connection mid-transaction, so
    the heartbeat's removal after it was rolled back (seen: 3 in 80 SIGTERMs to a worker polling
    without pause). Here the first signal only clears `running`; the loop sees it after its sleep
    of `interval` seconds, or when the task in progress completes.
    """

    def shutdown(signum, frame):
        if not worker.running:
            logger.warning("received %s again: stopping at once", signal.strsignal(signum))
            worker.reset_signals()
            sys.exit(1)
        logger.warning("received %s: stopping after the current task", signal.strsignal(signum))
        worker.running = False

    for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), shutdown)


def run_in_foreground(interval: float = 1.0, ready=None) -> None:
    """`firsthand worker`: run until SIGTERM or Ctrl-C; a running task is finished first.

    Everything after the signal handlers are in place sits inside the try, so a SIGTERM at any
    moment still runs the cleanup (seen: a signal between the two used to leave a heartbeat behind).
    """
    from firsthand.publishing.engine import PublishingLoop

    worker = new_worker(interval)
    heartbeat = Heartbeat(worker.worker_id, embedded=False)
    publisher = PublishingLoop(worker.worker_id)
    try:
        stop_on_signals(worker)
        heartbeat.start()
        publisher.start()
        if ready:
            ready()
        worker.run()
    finally:
        publisher.stop()
        heartbeat.stop()


class EmbeddedWorker:
    """The worker as a thread of `firsthand serve`."""

    def __init__(self, interval: float = 1.0):
        from firsthand.publishing.engine import PublishingLoop

        self.worker = new_worker(interval)
        self.heartbeat = Heartbeat(self.worker.worker_id, embedded=True)
        self.publisher = PublishingLoop(self.worker.worker_id)
        self.thread = threading.Thread(target=self._run, name="firsthand-worker", daemon=True)

    def _run(self):
        while self.worker.running:
            try:
                self.worker.run()
            except Exception:
                # Usually the database went away; start again rather than die unseen.
                logger.exception("the background worker loop failed; restarting in 5 seconds")
                close_old_connections()
                self.heartbeat.stopped.wait(5)
        connection.close()

    def start(self):
        self.heartbeat.start()
        self.publisher.start()
        self.thread.start()

    def stop(self, timeout: float = 30):
        # The loop checks `running` between tasks, so a task in progress completes.
        self.worker.running = False
        self.publisher.stop(timeout)
        if self.thread.ident is not None:  # started
            self.thread.join(timeout=timeout)
        self.heartbeat.stop()
