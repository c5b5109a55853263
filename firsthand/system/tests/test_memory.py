"""`firsthand serve` sets what starting made aside from the garbage collector (system/memory.py)."""

import gc

from firsthand.system import memory


def test_settling_freezes_what_exists_and_leaves_later_objects_to_the_collector():
    gc.unfreeze()
    try:
        frozen = memory.settle()
        assert frozen == gc.get_freeze_count() > 10_000  # Django, the URL patterns and views, the apps
        made = [[n] for n in range(1000)]
        assert gc.get_freeze_count() == frozen and gc.is_tracked(made[0])  # collected as always
    finally:
        gc.unfreeze()
