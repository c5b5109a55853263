"""The topics customers raise: phrases of one to three words that recur in complaints and in questions.

Each phrase is counted once per message ("refund refund refund" is one customer asking once), stop-words
are dropped at a phrase's edges ("the delivery" is "delivery"), and a phrase inside a longer one that
counts as many messages is left out, so "gluten free" does not also show as "gluten" and "free".
At most the newest MOST_READ messages of a kind are counted. Their phrases are cut once per message by the
worker (insights.rollups.topics) and read here as stored lines; only the messages past its mark are cut
on the view. The result is kept in the cache (insights.kept) until a message arrives or changes kind.
"""

import re
from collections import Counter
from heapq import merge
from itertools import chain, groupby, islice
from operator import itemgetter

from django.db.models import Q

from firsthand.inbox.models import Interaction
from firsthand.inbox.window import of_kind
from firsthand.insights.conversations import TAIL_MOST, messages, narrowed
from firsthand.insights.kept import kept
from firsthand.insights.rollups.models import RollupMark, TopicMessage

WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
MOST_READ = 5000
RECENT_MOST = 5000  # relabelled messages cut on the view at most; see newest()
STOP = frozenset(
    """a about above after again all also am an and any are aren't as at be because been before being below
    between both but by can can't could did do does doing don't down during each few for from further get got
    had has have having he her here hers him his how i i'm i've if in into is isn't it it's its just me more
    most my no nor not now of off on once only or other our ours out over own please same she should so some
    still such than thank thanks that that's the their theirs them then there these they this those through
    to too under until up very was wasn't we we're were what when where which while who whom why will with
    would yes you you're your yours hi hello hey ok okay really just would could one two get still im dont
    cant ive us""".split()
)


def phrases(text: str) -> set[str]:
    words = [w.lower().replace("’", "'") for w in WORDS.findall(text)]
    # Per word once: may it end a phrase (not a stop-word), may it be in one at all (not too short).
    edge = [w not in STOP for w in words]
    fits = [len(w) >= 3 or w in ("uk", "eu") for w in words]
    found = set()
    for i, word in enumerate(words):
        if not (edge[i] and fits[i]):
            continue
        found.add(word)
        for end in (i + 1, i + 2):
            if end >= len(words) or not all(fits[i + 1 : end + 1]):
                break
            if edge[end]:
                found.add(" ".join(words[i : end + 1]))
    return found


def topics(membership, period, kind: str, limit: int = 10) -> list[dict]:
    """The most frequent phrases in this kind of message, each with its count and two examples."""
    return kept("topics", membership, period, lambda: count(membership, period, kind, limit), kind, limit)


def count(membership, period, kind: str, limit: int) -> list[dict]:
    rows = newest(membership, period, kind)
    counts = Counter(chain.from_iterable(found for _, _, found in rows))
    chosen = []
    # The most frequent first; among equals longer phrases first, so the shorter parts they contain can be
    # dropped below. Only the groups of equal counts that are needed are ordered (thousands are not).
    for n, group in groupby(counts.most_common(), key=itemgetter(1)):
        if n < 2 or len(chosen) == limit:
            break
        for phrase, _ in sorted(group, key=lambda pair: (-pair[0].count(" "), pair[0])):
            if any(f" {phrase} " in f" {longer} " and m == n for longer, m in chosen):
                continue
            chosen.append((phrase, n))
            if len(chosen) == limit:
                break
    # Two examples of each chosen phrase, the newest messages that use it, read and cut to an excerpt.
    examples = {phrase: list(islice((pk for _, pk, found in rows if phrase in found), 2)) for phrase, _ in chosen}
    texts = dict(Interaction.objects.filter(pk__in=set(chain(*examples.values()))).values_list("pk", "text"))
    return [
        {"phrase": p, "count": n, "examples": [excerpt(texts.get(pk, ""), p) for pk in examples[p]]} for p, n in chosen
    ]


def newest(membership, period, kind: str) -> list[tuple]:
    """The period's newest MOST_READ messages of this kind as (written or None, id, phrases), the newest first:
    the worker's stored phrases up to its mark (insights.rollups.topics), and the messages past it and the
    ones relabelled since it last looked (their stored kind may be old) cut here. After a mass relabelling
    (more than RECENT_MOST since the worker looked) the stored kinds stand until its next run."""
    from firsthand.insights.rollups.engine import RELABEL_MARGIN

    items = messages(membership, period).filter(of_kind(kind))
    marks = RollupMark.objects.filter(workspace=membership.workspace).values_list("topics_pk", "topics_seen")
    mark, seen = marks.first() or (0, None)
    if not mark:
        return cut(items.order_by("-created_at", "-pk")[:MOST_READ])
    recent = set()
    if seen:
        relabelled = Interaction.objects.filter(relabelled_at__gte=seen - RELABEL_MARGIN, pk__lte=mark).order_by()
        recent = set(relabelled.values_list("pk", flat=True)[: RECENT_MOST + 1])
        recent = recent if len(recent) <= RECENT_MOST else set()
    # Past the mark: ids read on the primary key alone first (see conversations.after_mark).
    beyond = list(Interaction.objects.filter(pk__gt=mark).values_list("pk", flat=True)[: TAIL_MOST + 1])
    fresh = Q(pk__gt=mark) if len(beyond) > TAIL_MOST else Q(pk__in=beyond)
    if recent:
        fresh |= Q(pk__in=recent)
    fresh = cut(items.filter(fresh).order_by("-created_at", "-pk")[:MOST_READ])
    start, end = period.bounds()
    stored = TopicMessage.objects.filter(
        workspace=membership.workspace, kind=kind, created_at__gte=start, created_at__lt=end, interaction_id__lte=mark
    )
    stored = narrowed(membership, period, stored, "account").order_by("-created_at", "-interaction_id")
    stored = stored[: MOST_READ + len(recent)]
    if not fresh:
        # Nothing to merge: the stored rows come in order, and reading 5,000 times costs 30 ms.
        rows = stored.values_list("interaction_id", "phrases")
        return [(None, pk, lines.split("\n") if lines else []) for pk, lines in rows if pk not in recent][:MOST_READ]
    rows = stored.values_list("created_at", "interaction_id", "phrases")
    rows = [(at, pk, lines.split("\n") if lines else []) for at, pk, lines in rows if pk not in recent]
    return list(islice(merge(rows, fresh, key=itemgetter(0, 1), reverse=True), MOST_READ))


def cut(items) -> list[tuple]:
    return [(at, pk, sorted(phrases(text))) for at, pk, text in items.values_list("created_at", "pk", "text")]


def excerpt(text: str, phrase: str, width: int = 90) -> str:
    """The part of the message around the phrase, so the example shows it in use."""
    at = text.lower().find(phrase.split()[0])
    start = max(0, at - width // 3) if at >= 0 else 0
    piece = text[start : start + width].strip()
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
