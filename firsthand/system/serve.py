"""`firsthand serve`: the whole app in one process, for a laptop or a small server."""

import signal
import sys

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from firsthand.system import memory, statistics, web_processes


class Stop(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM, so shutdown runs the same path as Ctrl-C.

    A KeyboardInterrupt, because waitress's event loop passes any other
    exception raised inside a connection handler to that connection's error
    handler, which would swallow the signal.
    """


def serve(args) -> None:
    from waitress.server import create_server

    from firsthand.system.worker import EmbeddedWorker
    from firsthand.wsgi import application

    print(
        f"firsthand: data in {settings.DATA_DIR}"
        if connection.vendor == "sqlite"
        else f"firsthand: database {connection.vendor}",
        flush=True,
    )
    print("firsthand: preparing the database…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    statistics.refresh()

    demo_lines = []
    if args.demo:
        from firsthand.demo import DemoRefused, ensure_demo

        try:
            demo_lines = ensure_demo(force=args.force)
        except DemoRefused as error:
            sys.exit(f"firsthand: {error}")

    memory.settle()  # before the other web processes are forked, which then share what it set aside
    processes, helpers = max(args.web_processes, 1), []
    try:
        if processes > 1:
            listening = web_processes.listen(args.host, args.port)
            helpers = web_processes.start(listening, processes - 1, application, args.threads)
            server = create_server(application, sockets=[listening], threads=args.threads, ident="firsthand")
        else:
            server = create_server(application, host=args.host, port=args.port, threads=args.threads, ident="firsthand")
    except OSError as error:
        web_processes.stop(helpers)
        sys.exit(f"firsthand: cannot listen on {args.host}:{args.port}: {error.strerror}. Choose another --port.")
    host = args.host if ":" not in args.host else f"[{args.host}]"
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else host}:{server.effective_port}"  # nosec B104 # not a bind; the address shown for 0.0.0.0
    if args.host not in ("127.0.0.1", "localhost", "::1") and not settings.BASE_URL:
        print(
            "firsthand: listening beyond this machine; "
            "set FIRSTHAND_BASE_URL and ALLOWED_HOSTS to the address people use.",
            flush=True,
        )

    print_setup_link(settings.BASE_URL or url)

    embedded = customers = None

    def on_sigterm(signum, frame):
        raise Stop()

    # From the moment a signal can arrive, everything is inside the try, so shutdown always runs.
    try:
        signal.signal(signal.SIGTERM, on_sigterm)
        if not args.no_worker:
            embedded = EmbeddedWorker()
            embedded.start()
        if args.demo:
            from firsthand.demo_customers import DemoCustomers

            # Pretend customers keep writing, so the inbox moves while someone tries the demo.
            customers = DemoCustomers(seconds=settings.DEMO_CUSTOMER_SECONDS)
            customers.start()
        processes_note = f" by {processes} web processes" if processes > 1 else ""
        print(f"firsthand: serving at {url}/{processes_note} (Ctrl-C to stop)", flush=True)
        # The sign-in details come last, below everything an install and a start print, where they are seen.
        for line in demo_lines:
            print(line, flush=True)
        server.run()
    except KeyboardInterrupt:
        print("\nfirsthand: stopping…", flush=True)
    finally:
        web_processes.stop(helpers)
        server.close()
        if customers:
            customers.stop()
        if embedded:
            embedded.stop()
        print("firsthand: stopped.", flush=True)


def print_setup_link(base_url: str) -> None:
    from django.urls import reverse

    from firsthand.team.operations import new_setup_token

    token = new_setup_token()
    if token:
        link = base_url.rstrip("/") + reverse("team:setup", kwargs={"token": token})
        print("", flush=True)
        print("firsthand: nobody has an account yet. Open this link to create the owner account:", flush=True)
        print(f"    {link}", flush=True)
        print(
            "firsthand: the link works once; anyone who has it can become the owner, so keep it to yourself.",
            flush=True,
        )
        print("", flush=True)
