"""Lists of the law come from the rule pack, never typed again: the additional cover's sub-items
(R-C1) the models, forms and API offer, and the categories and deadline kinds the public API
accepts."""

from typing import get_args

from idi.core.rulebook import get_rulebook
from idi.public.schemas import Category, DeadlineKind
from idi.underwriting.models import AdditionalSubItem
from idi.underwriting.schemas import SubItem


def test_R_C1_the_sub_items_offered_are_the_packs():
    for pack in get_rulebook().packs:
        assert tuple(AdditionalSubItem.values) == pack.coverage.categories["additional"].sub_items
    assert get_args(SubItem) == tuple(AdditionalSubItem.values)


def test_the_public_api_accepts_the_packs_categories_and_deadline_kinds():
    pack = get_rulebook().pack()
    assert get_args(Category) == tuple(pack.coverage.categories)
    assert set(get_args(DeadlineKind)) == set(pack.deadlines)
