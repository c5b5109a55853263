from firsthand.networks.bluesky.tid import is_tid, new_tid


def test_a_tid_is_13_sortable_characters_that_follow_the_clock():
    # The example from https://atproto.com/specs/tid has this shape: 3jzfcijpj2z2a.
    assert is_tid("3jzfcijpj2z2a")
    earlier, later = new_tid(1_700_000_000_000_000, 5), new_tid(1_700_000_000_000_001, 0)
    assert is_tid(earlier) and is_tid(later) and len(earlier) == 13
    assert earlier < later  # string order is time order
    assert new_tid(1_700_000_000_000_000, 5) == earlier  # the same moment and clock give the same key


def test_the_first_character_keeps_the_top_bit_zero():
    assert not is_tid("zzzzzzzzzzzzz") and not is_tid("3jzfcijpj2z2") and not is_tid("3jzfcijpj2z21")
