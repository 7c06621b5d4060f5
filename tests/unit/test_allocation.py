from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hoering.domain.allocation import from_ore, key_weights, shares, to_ore

CODES = [773, 787, 810, 813, 820, 825, 840, 846, 849, 851, 860]


def test_equal_split_of_jyfe_total_gives_one_extra_ore_to_lowest_code():
    split = shares(12_000_000, {c: Decimal(1) for c in CODES})
    assert sum(split.values()) == 12_000_000
    assert split[773] == 1_090_910  # the one øre left over goes to the lowest code on a tie
    assert all(split[c] == 1_090_909 for c in CODES if c != 773)


def test_largest_remainder_beats_code_order():
    split = shares(100, {1: Decimal(1), 2: Decimal(2)})  # 33.33 / 66.67
    assert split == {1: 33, 2: 67}


def test_weights_key_must_name_exactly_the_recipients():
    try:
        key_weights({851: Decimal(3)}, [851, 860], {})
    except ValueError as exc:
        assert "860" in str(exc)
    else:
        raise AssertionError("missing weight accepted")


def test_ore_conversion_is_exact():
    assert to_ore(Decimal("3924.18")) == 392418
    assert str(from_ore(392418)) == "3924.18"


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.dictionaries(st.integers(100, 9999), st.integers(0, 10**6), min_size=1, max_size=15)
    .filter(lambda w: sum(w.values()) > 0),
)
def test_shares_sum_exactly_and_stay_within_one_ore_of_exact(total, weights):
    split = shares(total, {c: Decimal(w) for c, w in weights.items()})
    assert sum(split.values()) == total
    weight_sum = sum(weights.values())
    for code, ore in split.items():
        exact = Decimal(total) * weights[code] / weight_sum
        assert abs(Decimal(ore) - exact) < 1
