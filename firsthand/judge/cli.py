"""`firsthand judge KIND`: JSON Lines in on standard input, one JSON line out per line in, in order."""

import json
import sys

from firsthand.judge import KINDS, judge, transformer

BATCH = 1000


def parse(line: str):
    """(id, item) or (id, error message)."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return None, None, f"not JSON: {error.msg} at column {error.colno}"
    if not isinstance(item, dict):
        return None, None, "each line must be a JSON object"
    return item.get("id"), item, None


def run(kind: str, stdin=None, stdout=None, model_choice: str | None = None) -> int:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    if kind not in KINDS:
        print(f"firsthand judge: unknown kind {kind!r}; use one of {', '.join(KINDS)}", file=sys.stderr)
        return 2
    if model_choice is not None and kind == "follower":
        print("firsthand judge: --model is for the text judgements; follower has one model", file=sys.stderr)
        return 2
    try:  # a wrong setting or a missing package is said once, before any input is read
        if transformer.chosen_model(model_choice) == "transformer" and kind != "follower":
            from firsthand.judge import encoder

            transformer.loaded() if kind == "offensive" else encoder.loaded()
    except (ValueError, transformer.TransformerMissing) as error:
        print(f"firsthand judge: {error}", file=sys.stderr)
        return 2
    pending: list[tuple] = []

    def flush():
        items = [item for _, item, error in pending if error is None]
        judged = iter(judge(kind, items, model_choice)) if items else iter(())
        for ident, _item, error in pending:
            result = {"error": error} if error is not None else next(judged)
            stdout.write(json.dumps({"id": ident, **result}, ensure_ascii=False) + "\n")
        stdout.flush()
        pending.clear()

    try:
        for line in stdin:
            # A blank line still gets its line out, so output line N always answers input line N.
            pending.append(parse(line) if line.strip() else (None, None, "empty line: each line must be a JSON object"))
            if len(pending) >= BATCH:
                flush()
        flush()
    except (OSError, UnicodeDecodeError) as error:
        print(f"firsthand judge: cannot read the input: {error}", file=sys.stderr)
        return 1
    return 0
