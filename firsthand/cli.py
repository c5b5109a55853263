"""The `firsthand` command: serve, worker, manage, createowner."""

import argparse
import os
import sys


def add_data_dir(parser):
    parser.add_argument(
        "--data-dir",
        help="where the SQLite database, uploads and generated keys live "
        "(default: $FIRSTHAND_DATA_DIR or ~/.local/share/firsthand)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="firsthand", description="Run your business's social media first-hand.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="migrate, then serve the web app with a background worker in one process")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument("--threads", type=int, default=8, help="web request threads (default: 8)")
    serve.add_argument(
        "--web-processes",
        type=int,
        default=1,
        help="web processes sharing the port, e.g. one per core for a busy team (default: 1; Linux and macOS)",
    )
    serve.add_argument("--demo", action="store_true", help="create a demo workspace with people to sign in as (once)")
    serve.add_argument("--force", action="store_true", help="with --demo: add the demo even though real data exists")
    serve.add_argument(
        "--no-worker", action="store_true", help="serve the web app only (run `firsthand worker` elsewhere)"
    )
    serve.add_argument(
        "--bluesky-url",
        help="a Bluesky server to connect accounts on instead of bsky.social, e.g. a local test network's PDS "
        "(sets FIRSTHAND_BLUESKY_SERVICE_URL)",
    )
    serve.add_argument("--bluesky-plc-url", help="that network's PLC directory (sets FIRSTHAND_BLUESKY_PLC_URL)")
    add_data_dir(serve)

    worker = commands.add_parser("worker", help="run a background worker alone (many may run against PostgreSQL)")
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between looks for work when idle")
    add_data_dir(worker)

    owner = commands.add_parser("createowner", help="create a person who owns a new workspace (for scripted setups)")
    owner.add_argument("--email", required=True)
    owner.add_argument("--name", required=True)
    owner.add_argument("--workspace", required=True, help="the business's name")
    owner.add_argument("--timezone", default="UTC")
    owner.add_argument(
        "--password-file",
        help="read the password from this file (else $FIRSTHAND_OWNER_PASSWORD, else asked for)",
    )
    add_data_dir(owner)

    commands.add_parser("judge", help="judge JSON Lines from standard input: offensive, sentiment, complaint, ...")

    posts = commands.add_parser("posts", help="work with posts from the command line")
    posts_commands = posts.add_subparsers(dest="posts_command", required=True, metavar="ACTION")
    importing = posts_commands.add_parser("import", help="schedule posts from a CSV file (account, time, text)")
    importing.add_argument("file")
    importing.add_argument("--workspace", required=True, help="the workspace's short name, as in /w/NAME/")
    importing.add_argument("--as", dest="email", required=True, help="the email of the person the posts are from")
    add_data_dir(importing)

    backing_up = commands.add_parser(
        "backup", help="copy the live SQLite database, the uploads and a note of the keys needed into one file"
    )
    backing_up.add_argument("file", help="the backup file to write (a .tar.gz)")
    backing_up.add_argument(
        "--include-keys", action="store_true", help="put the secret and encryption keys in the backup too"
    )
    add_data_dir(backing_up)
    restoring = commands.add_parser("restore", help="unpack a backup into a data dir")
    restoring.add_argument("file")
    restoring.add_argument("--force", action="store_true", help="overwrite a data dir that is not empty")
    add_data_dir(restoring)

    audit = commands.add_parser("audit", help="check the audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verifying = audit_commands.add_parser("verify", help="find any entry changed or removed (exit 1 if any)")
    add_data_dir(verifying)

    manage = commands.add_parser("manage", help="run one of Django's management commands", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def setup_django(data_dir: str | None) -> None:
    if data_dir:
        os.environ["FIRSTHAND_DATA_DIR"] = os.path.abspath(os.path.expanduser(data_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firsthand.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        sys.exit(f"firsthand: {error}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "judge":
        # No Django here: judging needs no database, and scripts call it often.
        usage = (
            "usage: firsthand judge offensive|sentiment|complaint|question|follower "
            "[--model light|transformer] < items.jsonl"
        )
        if len(argv) not in (2, 4) or argv[1] in ("-h", "--help") or (len(argv) == 4 and argv[2] != "--model"):
            sys.exit(usage)
        from firsthand.judge.cli import run

        sys.exit(run(argv[1], model_choice=argv[3] if len(argv) == 4 else None))
    if argv and argv[0] == "manage":
        # Everything after `manage` belongs to Django, --data-dir included if given first.
        rest = argv[1:]
        data_dir = None
        if rest[:1] == ["--data-dir"] and len(rest) > 1:
            data_dir, rest = rest[1], rest[2:]
        setup_django(data_dir)
        from django.core.management import execute_from_command_line

        execute_from_command_line(["firsthand manage", *rest])
        return

    args = build_parser().parse_args(argv)
    if args.command == "restore":
        # No Django: starting it would make keys and a database in the very dir being restored into.
        sys.exit(restore(args))
    # Read by the settings, so set before Django starts.
    if getattr(args, "bluesky_url", None):
        os.environ["FIRSTHAND_BLUESKY_SERVICE_URL"] = args.bluesky_url
    if getattr(args, "bluesky_plc_url", None):
        os.environ["FIRSTHAND_BLUESKY_PLC_URL"] = args.bluesky_plc_url
    setup_django(args.data_dir)
    if args.command == "serve":
        from firsthand.system.serve import serve

        serve(args)
    elif args.command == "worker":
        worker(args)
    elif args.command == "posts":
        from django.core.management import call_command
        from django.core.management.base import CommandError

        try:
            call_command("import_posts", args.file, workspace=args.workspace, email=args.email)
        except CommandError as error:
            sys.exit(f"firsthand: {error}")
    elif args.command == "backup":
        sys.exit(backup(args))
    elif args.command == "audit":
        sys.exit(audit_verify())
    elif args.command == "createowner":
        from django.core.management import call_command

        # Scripted setups start from an empty database.
        call_command("migrate", interactive=False, verbosity=0)
        options = {"email": args.email, "name": args.name, "workspace": args.workspace, "timezone": args.timezone}
        if args.password_file:
            options["password_file"] = args.password_file
        call_command("createowner", **options)


def backup(args) -> int:
    import sqlite3
    from pathlib import Path

    from django.conf import settings

    from firsthand.system.backup import BackupError
    from firsthand.system.backup import backup as write_backup

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        print(
            "firsthand backup: this server uses PostgreSQL: back it up with pg_dump (see the README).", file=sys.stderr
        )
        return 1
    env_keys = bool(os.environ.get("FIRSTHAND_ENCRYPTION_KEY") or os.environ.get("FIRSTHAND_ENCRYPTION_KEY_FILE"))
    try:
        names = write_backup(
            Path(settings.DATA_DIR),
            database["NAME"],
            Path(args.file),
            include_keys=args.include_keys,
            env_keys=env_keys,
        )
    except (BackupError, OSError, sqlite3.Error) as error:
        print(f"firsthand backup: {error}", file=sys.stderr)
        return 1
    keys = "with the keys" if args.include_keys else "without the keys (see KEYS-NEEDED.txt inside)"
    print(f"firsthand backup: wrote {args.file}: {len(names)} files, {keys}.")
    return 0


def restore(args) -> int:
    from pathlib import Path

    from firsthand.system.backup import BackupError
    from firsthand.system.backup import restore as unpack

    configured = args.data_dir or os.environ.get("FIRSTHAND_DATA_DIR") or "~/.local/share/firsthand"
    data_dir = Path(configured).expanduser().resolve()
    try:
        names = unpack(Path(args.file), data_dir, force=args.force)
    except (BackupError, OSError) as error:
        print(f"firsthand restore: {error}", file=sys.stderr)
        return 1
    print(f"firsthand restore: {len(names)} files into {data_dir}. Read KEYS-NEEDED.txt there before serving.")
    return 0


def audit_verify() -> int:
    from firsthand.audit.log import verify

    result = verify()
    for problem in result.problems:
        print(f"firsthand audit: {problem}", file=sys.stderr)
    if result.problems:
        print(f"firsthand audit: {len(result.problems)} problem(s) in {result.entries} entries.", file=sys.stderr)
        return 1
    print(f"firsthand audit: {result.entries} entries in {result.chains} chain(s), none changed or removed.")
    return 0


def worker(args) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from firsthand.system.worker import run_in_foreground

    # Workers never migrate: with several of them, which one would? `serve`
    # or `firsthand manage migrate` does it, once, before workers start.
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        sys.exit("firsthand worker: the database needs migrating first: run `firsthand manage migrate`.")

    def ready():
        print(f"firsthand worker: processing background jobs from {connection.vendor} (Ctrl-C to stop)", flush=True)

    run_in_foreground(interval=args.interval, ready=ready)


if __name__ == "__main__":
    main()
