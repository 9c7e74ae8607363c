"""Reads of the tree: any written form of a code, and one query per question."""

import pytest

from tests.factories import HUAYANG, NANGUAN, NANLING
from yimen.regions.errors import DivisionNotFound
from yimen.regions.selectors import ancestors, children, get_division, search, subtree

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("22", "220000000000"),
        ("2201", "220100000000"),
        ("220102", NANGUAN),
        ("220102001", NANLING),
        ("220102001001", HUAYANG),
        ("460100", "460100000000"),
    ],
)
def test_get_division_accepts_every_written_form(tree, typed, expected):
    assert get_division(typed).code == expected


@pytest.mark.parametrize("typed", ["220199", "abc", "", "2201020", "460200"])
def test_get_division_refuses_unknown_codes_with_a_stable_code(tree, typed):
    with pytest.raises(DivisionNotFound) as caught:
        get_division(typed)
    assert caught.value.code == "regions.not_found"
    assert caught.value.status == 404
    problem = caught.value.as_problem()
    assert typed in problem["detail_en"] and typed in problem["detail_zh"]


def test_ancestors_are_province_first_in_one_query(tree, django_assert_num_queries):
    village = tree[HUAYANG]
    with django_assert_num_queries(1):
        found = ancestors(village)
    assert [d.code for d in found] == ["220000000000", "220100000000", NANGUAN, NANLING]


def test_a_province_has_no_ancestors(tree, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert ancestors(tree["220000000000"]) == []


def test_subtree_includes_self_and_everything_below_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = [d.code for d in subtree(tree[NANGUAN])]
    assert codes == [
        NANGUAN,
        NANLING,
        HUAYANG,
        "220102001002",
        "220102002000",
        "220102002001",
    ]
    assert "220103000000" not in codes  # 宽城区 is a sibling, not below


def test_children_are_one_level_down(tree):
    assert [d.name for d in children(tree["220100000000"])] == ["南关区", "宽城区", "榆树市"]
    assert list(children(tree[HUAYANG])) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("南岭", ["南岭街道"]),
        ("社区", ["华阳社区", "恒安社区", "北安社区"]),
        ("220102", ["南关区", "南岭街道", "自强街道", "华阳社区", "恒安社区", "北安社区"]),
        ("4601", ["海口市"]),
        ("  ", []),
        ("不存在", []),
    ],
)
def test_search_by_name_or_leading_code_digits_top_level_first(tree, text, expected):
    assert [d.name for d in search(text)] == expected
