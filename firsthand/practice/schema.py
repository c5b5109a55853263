"""One schema for every scenario: the shipped ones, the business's own, and files imported from elsewhere.

Scenarios are YAML, so an owner can write one in any text editor. The file is read as YAML's node tree
(not plain values) so that every error names the line it is on; a file with any error imports nothing.
"""

import re
from dataclasses import dataclass

import yaml

KINDS = {
    "question": "A question to answer",
    "complaint": "A complaint to calm",
    "pile_on": "An angry public post others join",
    "troll": "A troll",
    "praise": "Praise to acknowledge",
    "owner_only": "A question only the owner can answer",
    "private_in_public": "A private matter written in public",
    "personal_draft": "A post draft that sounds personal",
    "crisis": "A crisis",
}
MOVES = {
    "move_private": "Continue in direct messages",
    "ask_owner": "Ask the owner",
    "pause_publishing": "Pause publishing",
}
WHERE = ("public", "private", "draft")
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}$")
LISTS = ("customers", "opening", "calm", "unsettled", "escalate")
OPTIONAL_LISTS = ("impatient", "others")
MAX_TEXT = 1000
MAX_ROUNDS = 4


class ScenarioError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"Line {line}: {message}" if line else message)


@dataclass(frozen=True)
class Need:
    says: str  # what a good answer does, in plain words: "gives the opening hours"
    words: tuple[str, ...]  # any one of these in the answer shows it does


def line_of(node) -> int:
    return node.start_mark.line + 1


def parse(text: str) -> list[dict]:
    """Every scenario in a YAML text, checked; a ScenarioError names the first problem and its line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "not valid YAML"
        # YAML finds a bracket left open where the next thing starts; the line it opened on helps more.
        context, opened = getattr(error, "context", None), getattr(error, "context_mark", None)
        if context and opened and mark and opened.line != mark.line:
            problem += f", {context} that starts on line {opened.line + 1}"
        raise ScenarioError(f"{problem} (this is not valid YAML)", mark.line + 1 if mark else None) from None
    if root is None:
        raise ScenarioError("The file is empty: it holds no scenario.")
    if isinstance(root, yaml.MappingNode) and "scenarios" in keys_of(root):
        root = keys_of(root)["scenarios"][1]
    items = root.value if isinstance(root, yaml.SequenceNode) else [root]
    if not items:
        raise ScenarioError("The file holds no scenario.", line_of(root))
    scenarios, seen = [], {}
    for node in items:
        scenario = scenario_from(node)
        if scenario["key"] in seen:
            raise ScenarioError(
                f"the key “{scenario['key']}” is used twice (also on line {seen[scenario['key']]})", line_of(node)
            )
        seen[scenario["key"]] = line_of(node)
        scenarios.append(scenario)
    return scenarios


def keys_of(node) -> dict:
    return {key.value: (key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def scalar(node, what: str, *, limit: int = MAX_TEXT) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise ScenarioError(f"{what} must be a piece of text", line_of(node))
    value = str(node.value).strip()
    if len(value) > limit:
        raise ScenarioError(f"{what} is {len(value)} characters long; at most {limit}", line_of(node))
    if "\x00" in value:
        raise ScenarioError(f"{what} holds a null character", line_of(node))
    return value


def texts(node, what: str) -> list[str]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise ScenarioError(f"{what} must be a list of at least one line", line_of(node))
    return [scalar(item, f"each line of {what}") for item in node.value]


def scenario_from(node) -> dict:
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError("a scenario must be a set of fields (key: value)", line_of(node))
    fields = keys_of(node)
    known = {"key", "title", "kind", "where", "situation", "draft", "rounds", "good_answer", *LISTS, *OPTIONAL_LISTS}
    for name, (key_node, _) in fields.items():
        if name not in known:
            raise ScenarioError(f"unknown field “{name}”; a scenario has {', '.join(sorted(known))}", line_of(key_node))
    for name in ("key", "title", "kind", "situation", "good_answer", *LISTS):
        if name not in fields:
            raise ScenarioError(f"the scenario has no “{name}”", line_of(node))
    key = scalar(fields["key"][1], "key")
    if not KEY.match(key):
        raise ScenarioError(
            f"the key “{key}” must be small letters, digits and dashes (like opening-hours)", line_of(fields["key"][1])
        )
    kind = scalar(fields["kind"][1], "kind")
    if kind not in KINDS:
        raise ScenarioError(f"there is no kind “{kind}”; use one of {', '.join(KINDS)}", line_of(fields["kind"][1]))
    where = scalar(fields["where"][1], "where") if "where" in fields else "public"
    if where not in WHERE:
        raise ScenarioError(f"“where” is public, private or draft, not “{where}”", line_of(fields["where"][1]))
    scenario = {
        "key": key,
        "title": scalar(fields["title"][1], "title", limit=120),
        "kind": kind,
        "where": "draft" if kind == "personal_draft" else where,
        "situation": scalar(fields["situation"][1], "situation"),
        "rounds": rounds(fields["rounds"][1]) if "rounds" in fields else 2,
    }
    for name in LISTS:
        scenario[name] = texts(fields[name][1], name)
    for name in OPTIONAL_LISTS:
        scenario[name] = texts(fields[name][1], name) if name in fields else []
    if kind == "personal_draft":
        if "draft" not in fields:
            raise ScenarioError("a personal_draft scenario needs the “draft” to rewrite", line_of(node))
    scenario["draft"] = scalar(fields["draft"][1], "draft") if "draft" in fields else ""
    if kind == "pile_on" and not scenario["others"]:
        raise ScenarioError("a pile_on scenario needs “others”: what the other customers write", line_of(node))
    scenario["good_answer"] = good_answer(fields["good_answer"][1])
    return scenario


def rounds(node) -> int:
    try:
        value = int(scalar(node, "rounds"))
    except ValueError:
        raise ScenarioError("rounds must be a whole number", line_of(node)) from None
    if not 1 <= value <= MAX_ROUNDS:
        raise ScenarioError(f"rounds must be between 1 and {MAX_ROUNDS}", line_of(node))
    return value


def good_answer(node) -> dict:
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError("good_answer must hold “needs” and/or “moves”", line_of(node))
    fields = keys_of(node)
    for name, (key_node, _) in fields.items():
        if name not in ("needs", "moves", "personal_data"):
            raise ScenarioError(
                f"unknown field “{name}” in good_answer; use needs, moves, personal_data", line_of(key_node)
            )
    needs = []
    if "needs" in fields:
        seq = fields["needs"][1]
        if not isinstance(seq, yaml.SequenceNode):
            raise ScenarioError("needs must be a list of {says, words}", line_of(seq))
        for item in seq.value:
            parts = keys_of(item) if isinstance(item, yaml.MappingNode) else {}
            if "says" not in parts or "words" not in parts:
                raise ScenarioError("each need has “says” (what a good answer does) and “words”", line_of(item))
            words = [w.lower() for w in texts(parts["words"][1], "words")]
            needs.append({"says": scalar(parts["says"][1], "says", limit=120), "words": words})
    moves = []
    if "moves" in fields:
        for item in texts(fields["moves"][1], "moves"):
            if item not in MOVES:
                raise ScenarioError(
                    f"there is no move “{item}”; use one of {', '.join(MOVES)}", line_of(fields["moves"][1])
                )
            moves.append(item)
    personal = False
    if "personal_data" in fields:
        value = scalar(fields["personal_data"][1], "personal_data").lower()
        if value not in ("true", "false", "yes", "no"):
            raise ScenarioError("personal_data is true or false", line_of(fields["personal_data"][1]))
        personal = value in ("true", "yes")
    return {"needs": needs, "moves": moves, "personal_data": personal}


def written(scenario: dict) -> dict:
    """A scenario as a person would write it: the empty and default fields left out."""
    kept = {k: v for k, v in scenario.items() if k != "custom" and v not in ([], "")}
    answer = scenario["good_answer"]
    kept["good_answer"] = {"needs": answer.get("needs", [])}
    if answer.get("moves"):
        kept["good_answer"]["moves"] = answer["moves"]
    if answer.get("personal_data"):
        kept["good_answer"]["personal_data"] = True
    return kept


def dump(scenarios: list[dict]) -> str:
    """The file an export gives: parse(dump(x)) == x."""
    scenarios = [written(s) for s in scenarios]
    header = "# firsthand practice scenarios: edit them in any text editor, import them on the Practice page.\n"
    return header + yaml.safe_dump({"scenarios": scenarios}, sort_keys=False, allow_unicode=True, width=100)
