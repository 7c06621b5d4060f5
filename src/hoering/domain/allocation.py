"""Distribution keys and øre-exact shares (largest-remainder rounding)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

ORE = Decimal("0.01")


def to_ore(kroner: Decimal) -> int:
    ore = kroner * 100
    if ore != ore.to_integral_value():
        raise ValueError(f"{kroner} is not exact to the øre")
    return int(ore)


def from_ore(ore: int) -> Decimal:
    return (Decimal(ore) / 100).quantize(ORE)


def shares(total_ore: int, weights: Mapping[int, Decimal]) -> dict[int, int]:
    """Split ``total_ore`` over kommune codes by ``weights``, in whole øre, summing exactly.

    Each code gets the floor of its exact share; the øre left over go one each to the largest
    remainders, ties broken by the lower kommune code.
    """
    if total_ore < 0:
        raise ValueError("total cannot be negative")
    weight_sum = sum(weights.values(), Decimal(0))
    if weight_sum <= 0:
        raise ValueError("the weights must add up to more than zero")
    floors: dict[int, int] = {}
    remainders: list[tuple[Decimal, int]] = []
    for code, weight in weights.items():
        exact_num = Decimal(total_ore) * weight  # share = exact_num / weight_sum
        floor = int(exact_num // weight_sum)
        floors[code] = floor
        remainders.append((exact_num - floor * weight_sum, code))
    left = total_ore - sum(floors.values())
    for _, code in sorted(remainders, key=lambda rc: (-rc[0], rc[1]))[:left]:
        floors[code] += 1
    return floors


def key_weights(
    key: str | Mapping[int, Decimal],
    codes: list[int],
    populations: Mapping[int, int | None],
) -> dict[int, Decimal]:
    """The weight of each recipient under a distribution key (equal, population, weights)."""
    if key == "equal":
        return {code: Decimal(1) for code in codes}
    if key == "population":
        missing = [c for c in codes if not populations.get(c)]
        if missing:
            raise ValueError(f"no population known for {', '.join(map(str, missing))}")
        return {code: Decimal(populations[code] or 0) for code in codes}
    assert isinstance(key, Mapping)
    missing = [c for c in codes if c not in key]
    extra = [c for c in key if c not in codes]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"no weight for recipient(s) {', '.join(map(str, missing))}")
        if extra:
            parts.append(f"weight for non-recipient(s) {', '.join(map(str, extra))}")
        raise ValueError("; ".join(parts))
    return {code: Decimal(key[code]) for code in codes}
