"""Which scenarios a workspace can play: the ones firsthand ships, then the business's own."""

from functools import lru_cache
from pathlib import Path

from firsthand.practice.schema import parse

SHIPPED_DIR = Path(__file__).parent / "scenarios"


@lru_cache(maxsize=1)
def shipped() -> tuple[dict, ...]:
    found = []
    for path in sorted(SHIPPED_DIR.glob("*.yaml")):
        found += parse(path.read_text(encoding="utf-8"))
    return tuple(found)


def shipped_keys() -> set[str]:
    return {scenario["key"] for scenario in shipped()}


def own(workspace) -> list[dict]:
    from firsthand.practice.models import CustomScenario

    scenarios = []
    for custom in CustomScenario.objects.filter(workspace=workspace).order_by("title"):
        # Saved only after passing the schema; read again the same way so one shape holds everywhere.
        scenarios += [dict(s, custom=True) for s in parse(custom.source)]
    return scenarios


def for_workspace(workspace) -> list[dict]:
    return [*shipped(), *own(workspace)]


def find(workspace, key: str) -> dict | None:
    return next((s for s in for_workspace(workspace) if s["key"] == key), None)
