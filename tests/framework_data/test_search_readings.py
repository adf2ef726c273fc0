"""Lookup: compound words, framework-part words as filters, aliases that name an item, and the
suggestions (「もしかして」) when nothing matches — on the bundled framework."""

from __future__ import annotations

import pytest

from framework_data.search import default_index
from framework_data.search.split import BigramSplitter

SO, NO, CS = "system_operations", "network_operations", "customer_support"


def test_bigram_splitter() -> None:
    splitter = BigramSplitter()
    assert splitter.split("障害対応") == ("障害", "害対", "対応")
    assert splitter.split("ネットワーク監視")[-1] == "監視"
    assert splitter.split("障害") == ("障害",)
    assert splitter.split("") == ()


@pytest.mark.parametrize(
    ("query", "shown"),
    [("障害対応", "障害対策"), ("ネットワーク監視", "監視"), ("問題の切り分け", "問題の発見、切り分け"),
     ("要員計画", "要員の計画")],
)  # fmt: skip
def test_a_compound_word_finds_its_parts(query: str, shown: str) -> None:
    found = default_index().lookup(query)
    assert found.hits
    assert found.query.terms[0].split
    assert shown in found.hits[0].text or shown in found.hits[0].title


def test_a_compound_finds_a_definition_with_every_part_first() -> None:
    found = default_index().lookup("ネットワーク監視")
    top = found.hits[0]
    assert "ネットワーク" in top.text
    assert "監視" in top.text


def test_a_word_of_the_data_is_not_split() -> None:
    query = default_index().parse("バックアップ")
    assert not query.terms[0].split
    assert not default_index().lookup("バックアップ").partial


@pytest.mark.parametrize(
    ("query", "kinds", "keywords"),
    [("知識項目 バックアップ", ("knowledge",), ("バックアップ",)),
     ("知識項目バックアップ", ("knowledge",), ("バックアップ",)),
     ("バックアップの知識", ("knowledge",), ("バックアップ",)),
     ("熟達度 リーダーシップ", ("proficiency",), ()),
     ("スキル熟達度 バックアップ", ("proficiency",), ("バックアップ",)),
     ("達成度指標 SLA", ("dimension",), ("SLA",)),
     ("スキル 構成管理", ("skill",), ("構成管理",)),
     ("スキル管理", (), ("スキル管理",))],  # a word of the data stays a keyword
)  # fmt: skip
def test_framework_part_words_are_filters(
    query: str, kinds: tuple[str, ...], keywords: tuple[str, ...]
) -> None:
    parsed = default_index().parse(query)
    assert parsed.kinds == kinds
    assert parsed.keywords == keywords
    hits = default_index().search(query, limit=50)
    assert hits
    assert all(h.kind in kinds for h in hits) if kinds else True


def test_a_kind_word_alone_lists_that_kind() -> None:
    hits = default_index().search("スキル項目", limit=20)
    assert [h.title for h in hits[:2]] == [
        "スキル項目: 顧客リレーションの確立",
        "スキル項目: マネジメントシステムの確立",
    ]
    assert all(h.kind == "skill" for h in hits)
    roots = default_index().search("知識項目", limit=50)
    assert all(h.kind == "knowledge" and h.title.count(" > ") == 1 for h in roots)


@pytest.mark.parametrize(("query", "specialty"), [("システムオペレーション", SO),
                                                  ("ネットワークオペレーション", NO)])  # fmt: skip
def test_an_alias_that_names_a_skill_item_narrows_and_finds_it(query: str, specialty: str) -> None:
    found = default_index().lookup(query)
    assert found.query.specialties == (specialty,)
    assert found.hits[0].title == f"スキル項目: {query}"
    assert found.hits[0].exact
    assert all(specialty in h.specialty_ids for h in found.hits)
    assert found.hits[1].title.endswith("レベル3 責任性")  # then the specialty's definitions


def test_a_number_of_the_seed_text_is_not_a_level() -> None:
    found = default_index().lookup("年間契約金額 1 億円")
    assert found.literal
    assert all("年間契約金額1億円" in h.text.replace(" ", "") for h in found.hits)
    narrowed = default_index().lookup("SO 年間契約金額 1 億円")
    assert narrowed.query.specialties == (SO,)  # the alias still narrows
    assert narrowed.hits
    assert all(h.specialty_ids == (SO,) for h in narrowed.hits)


def test_a_kind_word_with_an_alias_finds_the_alias_in_that_specialty() -> None:
    hits = default_index().search("知識 ヘルプデスク")
    assert hits[0].title.startswith("知識項目: 顧客リレーションの確立(ヘルプデスク)")
    assert all(h.kind == "knowledge" and CS in h.specialty_ids for h in hits)


def test_describe_names_the_kind() -> None:
    index = default_index()
    assert index.describe(index.parse("知識項目 バックアップ")) == (
        "解釈: 種類=知識項目 キーワード=バックアップ"
    )


# --------------------------------------------------------------------------- suggestions


def suggestions(query: str) -> list[tuple[str, str]]:
    found = default_index().lookup(query)
    assert not found.hits
    return [(s.kind, s.query) for s in found.suggestions]


def test_every_suggestion_finds_something() -> None:
    for query in ("バックアップ 存在しない語", "CS 高可用性", "SO レベル7", "xyzzy", "知識項目 SLA",
                  "レベル2 SLA", "NO 100 拠点以上 ネットワーク要件の複雑性"):  # fmt: skip
        found = default_index().lookup(query)
        assert not found.hits, query
        assert found.suggestions, query
        for suggestion in found.suggestions:
            assert default_index().search(suggestion.query), (query, suggestion)


def test_a_word_that_finds_something_alone() -> None:
    assert ("keyword", "バックアップ") in suggestions("バックアップ 存在しない語")


def test_the_specialties_where_the_words_are() -> None:
    found = suggestions("CS 高可用性")
    assert ("specialty", "SO 高可用性") in found


def test_the_levels_that_are_defined() -> None:
    assert suggestions("SO レベル7")[0] == ("level", "SO レベル5")


def test_without_the_kind_or_the_level() -> None:
    assert ("kind", "SLA") in suggestions("知識項目 SLA")
    assert ("level", "SLA") in suggestions("レベル2 SLA")


def test_closest_names_of_the_data() -> None:
    found = suggestions("CS 高可用性")
    assert (
        "keyword",
        "運用システムの複雑性(マルチプラットフォーム、マルチベンダ、高可用性)",
    ) in found


def test_examples_when_nothing_is_close() -> None:
    assert [k for k, _ in suggestions("xyzzy")] == ["example"] * 3


def test_hits_come_without_suggestions() -> None:
    found = default_index().lookup("バックアップ")
    assert found.hits
    assert found.suggestions == ()
