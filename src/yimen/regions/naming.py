"""Full names (全称) of divisions, such as 吉林省长春市南关区南岭街道.

The statistical tree has grouping nodes that are not places — 海南省's 省直辖县级行政区划
holds 五指山市 and the other directly administered counties. People never say
"海南省省直辖县级行政区划五指山市", so those names are left out of the full names beneath them
(the grouping node's own full name keeps it, so it can still be told apart).
"""

from __future__ import annotations

#: Names that stand for a grouping in the statistical tree rather than for a place.
GROUPING_NAMES = frozenset(
    {
        "市辖区",
        "县",
        "省直辖县级行政区划",
        "自治区直辖县级行政区划",
        "省直辖县级行政单位",
    }
)


def full_name_below(parent_name: str | None, parent_full_name: str | None, name: str) -> str:
    """The full name of a division called ``name`` under a parent with the given names.

    Pure, so the bulk loader (over dictionaries) and ``division_add`` (over one row) build
    exactly the same text."""
    if not parent_name:
        return name
    trunk = parent_full_name or parent_name
    if parent_name in GROUPING_NAMES:
        trunk = trunk.removesuffix(parent_name)
    return trunk + name
