"""Skill lookup: normalisation, query parsing, filters, ranking, robustness.

Most tests run against the bundled framework (the verbatim ITSS seed texts) and assert what a
user sees: titles, specialties and levels. A tiny hand-built framework pins the rules that do not
depend on the real data (aliases from the data, common entries, AND, long vowels in the data).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framework_data.loader import load_default
from framework_data.models import Framework
from framework_data.search import MAX_QUERY_CHARS, Hit, SkillIndex, default_index
from framework_data.textnorm import compact, fold_long_vowels, normalize

SO, NO, CS = "system_operations", "network_operations", "customer_support"
ALL = (SO, NO, CS)


def titles(query: str, limit: int = 10) -> list[str]:
    return [h.title for h in default_index().search(query, limit=limit)]


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("カスタマ", "カスタマー"),
        ("メンバ", "メンバー"),
        ("リーダ", "リーダー"),
        ("ユーザ", "ユーザー"),
        ("プロトコル", "プロトコール"),
        ("マルチプロトコル", "マルチプロトコール"),
        ("リーダーシップ", "リーダシップ"),
        ("メンバー", "ﾒﾝﾊﾞｰ"),  # half-width katakana
        ("メンバー", "メンバ－"),  # full-width minus typed as a long vowel
        ("メンバー", "メンバ―"),  # horizontal bar typed as a long vowel
        ("カスタマーー", "カスタマ"),  # doubled mark
        ("SLA", "ｓｌａ"),  # full-width, case
        ("レベル4", "レベル４"),
        ("10 人", "10人"),
        ("ユーザ・ニーズ", "ユーザニーズ"),
        ("問題の発見、切り分け", "問題の発見切り分け"),
        ("Customer Support", "customersupport"),
    ],
)
def test_compact_makes_variants_equal(a: str, b: str) -> None:
    assert compact(a) == compact(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("メンバ", "メンバス"),
        ("すーぱー", "すぱ"),  # only katakana long vowels are folded
        ("問題管理", "構成管理"),
    ],
)
def test_compact_keeps_different_words_apart(a: str, b: str) -> None:
    assert compact(a) != compact(b)


def test_long_vowel_folding_only_after_katakana() -> None:
    assert fold_long_vowels("カスタマーサポート") == "カスタマサポト"
    assert fold_long_vowels("ー") == "ー"
    assert fold_long_vowels("データー-1") == "デタ1"
    assert fold_long_vowels("ID-1") == "ID-1"
    assert normalize("  カスタマー\u3000サポート\x00 ") == "カスタマ サポト"


@given(st.text(max_size=60))
def test_compact_is_idempotent(text: str) -> None:
    once = compact(text)
    assert compact(once) == once
    assert not any(c.isspace() for c in once)


# --------------------------------------------------------------------------- query parsing


@pytest.mark.parametrize(
    "query",
    ["レベル4", "Lv4", "lv4", "Lv.4", "LV 4", "L4", "l4", "lv 4", "level 4", "レベル４", "レベル 4",
     "４", "4", "四", "レベル四", "Ｌｖ４"],
)  # fmt: skip
def test_level_tokens(query: str) -> None:
    parsed = default_index().parse(query)
    assert parsed.levels == (4,)
    assert parsed.terms == ()


@pytest.mark.parametrize(
    ("query", "specialty"),
    [
        ("SO", SO),
        ("so", SO),
        ("ＳＯ", SO),
        ("システムオペレーション", SO),
        ("System Operations", SO),
        ("system operation", SO),
        ("システム運用", SO),
        ("NO", NO),
        ("ネットワークオペレーション", NO),
        ("network operations", NO),
        ("ネットワーク運用", NO),
        ("CS", CS),
        ("cs", CS),
        ("カスタマサポート", CS),
        ("カスタマーサポート", CS),
        ("カスタマー サポート", CS),
        ("Customer Support", CS),
        ("customer support", CS),
        ("ヘルプデスク", CS),
        ("Help Desk", CS),
        ("helpdesk", CS),
    ],
)
def test_specialty_aliases(query: str, specialty: str) -> None:
    parsed = default_index().parse(query)
    assert parsed.specialties == (specialty,)
    assert parsed.terms == ()


@pytest.mark.parametrize(
    "query",
    ["カスタマー サポート レベル5", "CS Lv5", "カスタマサポート L5", "customer support 5",
     "ｃｓ　ｌｖ．５", "カスタマサポートレベル5", "CSのレベル5", "CS5", "ヘルプデスク 五"],
)  # fmt: skip
def test_equivalent_queries_filter_cs_level5(query: str) -> None:
    index = default_index()
    parsed = index.parse(query)
    assert (parsed.specialties, parsed.levels, parsed.terms) == ((CS,), (5,), ())
    hits = index.search(query)
    assert hits == index.search("CS Lv5")
    assert [h.title for h in hits[:4]] == [
        "カスタマサポート レベル5 責任性",
        "カスタマサポート レベル5 複雑性",
        "カスタマサポート レベル5 サイズ",
        "カスタマサポート レベル5 タスク特性",
    ]
    assert all(h.specialty_ids == (CS,) and h.level == 5 for h in hits)


def test_specialty_word_inside_a_longer_data_word_stays_a_keyword() -> None:
    index = default_index()
    parsed = index.parse("システム運用要件")
    assert parsed.specialties == ()
    assert parsed.keywords == ("システム運用要件",)
    assert titles("システム運用要件") == [
        "システムオペレーション レベル4 複雑性",
        "システムオペレーション レベル3 複雑性",
        "システムオペレーション レベル5 複雑性",
    ]


def test_skill_names_are_recognised_including_partial_names() -> None:
    index = default_index()
    assert index.parse("リーダーシップ").skills == ("leadership",)
    assert index.parse("リーダシップ").skills == ("leadership",)
    assert index.parse("顧客リレーション").skills == ("customer_relations", "helpdesk")
    assert index.parse("ネゴシエーション").skills == ("negotiation",)
    assert index.parse("管理").skills == ()  # too short a part of a name: a keyword
    assert index.parse("管理").keywords == ("管理",)


def test_describe() -> None:
    index = default_index()
    query = index.parse("カスタマサポート リーダーシップ レベル5 達成感")
    assert index.describe(query) == (
        "解釈: 専門分野=カスタマサポート レベル=5 スキル=リーダーシップ キーワード=達成感"
    )
    assert index.describe(index.parse("")) == "解釈: （なし）"


# --------------------------------------------------------------------------- search, real data


def test_backup_finds_service_support() -> None:
    hits = default_index().search("バックアップ")
    assert hits[0].title == "知識項目: サービス支援管理 > バックアップ/リカバリ管理"
    assert hits[0].kind == "knowledge"
    assert hits[0].specialty_ids == ALL
    profs = [h for h in hits if h.kind == "proficiency"]
    assert profs
    assert all("/ サービス支援管理 /" in h.title and "バックアップ" in h.text for h in profs)


def test_sla_finds_level4_and_5_responsibility() -> None:
    hits = default_index().search("SLA", limit=50)
    found = {(h.specialty_ids, h.level, h.title.rsplit(" ", 1)[1]) for h in hits}
    assert found == {((sp,), level, "責任性") for sp in ALL for level in (4, 5)}
    assert all("(SLA)" in h.text for h in hits)


@pytest.mark.parametrize(
    ("query", "top_title"),
    [
        ("構成管理", "知識項目: サービス支援管理 > 構成管理"),
        ("問題管理", "知識項目: サービス支援管理 > 問題管理"),
        ("リーダーシップ", "スキル項目: リーダーシップ"),
        ("顧客リレーションの確立", "スキル項目: 顧客リレーションの確立"),
        (
            "ヘルプデスクの計画と構築",
            "知識項目: 顧客リレーションの確立(ヘルプデスク) > ヘルプデスクの計画と構築",
        ),
        ("ユーザと合意したサービスレベル(SLA)の達成", "カスタマサポート レベル4 責任性"),
        (
            "問題管理 エスカレーション",
            "知識項目: サービス支援管理 > 問題管理 > 問題の解決、エスカレーション",
        ),
    ],
)
def test_exact_item_hit_ranks_first(query: str, top_title: str) -> None:
    hits = default_index().search(query)
    assert hits[0].title == top_title
    flags = [h.exact for h in hits]
    assert flags == sorted(flags, reverse=True)  # every exact hit before every other hit


def test_knowledge_node_beats_proficiency_text_containing_it() -> None:
    hits = default_index().search("問題管理", limit=50)
    assert hits[0].exact
    assert hits[0].kind == "knowledge"
    first_proficiency = next(i for i, h in enumerate(hits) if h.kind == "proficiency")
    assert first_proficiency > 0
    assert not hits[first_proficiency].exact
    assert "問題管理" in hits[first_proficiency].text


def test_identical_knowledge_nodes_are_merged() -> None:
    hits = default_index().search("問題管理", limit=50)
    assert len({h.title for h in hits}) == len(hits)
    assert hits[0].specialty_ids == ALL
    assert hits[0].text.startswith("問題の発見、切り分け ／ 問題の解決、エスカレーション")


def test_construction_management_hits_everywhere_it_is_defined() -> None:
    hits = default_index().search("構成管理", limit=100)
    kinds = {h.kind for h in hits}
    assert kinds == {"knowledge", "skill", "proficiency"}
    assert all("構成管理" in h.text for h in hits)


def test_helpdesk_is_customer_support() -> None:
    index = default_index()
    assert index.parse("ヘルプデスク").specialties == (CS,)
    hits = index.search("ヘルプデスク")
    assert hits
    assert all(CS in h.specialty_ids for h in hits)
    assert hits[0].title == "カスタマサポート レベル3 責任性"  # its own entries before common ones


@pytest.mark.parametrize(("a", "b"), [("メンバー", "メンバ"), ("メンバー", "ﾒﾝﾊﾞｰ"),
                                      ("カスタマー", "カスタマ"), ("ユーザー満足度", "ユーザ満足度"),
                                      ("リーダー", "リーダ")])  # fmt: skip
def test_long_vowel_variants_give_the_same_hits(a: str, b: str) -> None:
    index = default_index()
    assert index.search(a, limit=100) == index.search(b, limit=100)
    assert index.search(a)


def test_multiprotocol_finds_both_spellings() -> None:
    index = default_index()
    hits = index.search("マルチプロトコル", limit=50)
    assert hits == index.search("マルチプロトコール", limit=50)
    found = {(h.specialty_ids, h.level, h.title.rsplit(" ", 1)[1]) for h in hits}
    assert ((NO,), 5, "複雑性") in found
    assert ((NO,), 4, "複雑性") in found
    assert ((CS,), 5, "複雑性") in found
    assert {sp for h in hits for sp in h.specialty_ids} == {NO, CS}
    assert any("マルチプロトコール" in h.text for h in hits)
    assert any("マルチプロトコル" in h.text for h in hits)


def test_network_100_sites_finds_no_level5_size() -> None:
    hits = default_index().search("ネットワーク 100拠点")
    assert "ネットワークオペレーション レベル5 サイズ" in [h.title for h in hits]
    assert all(h.specialty_ids == (NO,) for h in hits)
    l5 = next(h for h in hits if h.level == 5)
    assert "100 拠点以上" in l5.text


@pytest.mark.parametrize("query", ["存在しない語", "xyzzy", "バックアップ 存在しない語", "レベル9",
                                   "SO レベル7", "", "   ", "、。", "の"])  # fmt: skip
def test_nothing_found(query: str) -> None:
    assert default_index().search(query) == []


def test_filters_without_keywords_list_the_definitions() -> None:
    hits = default_index().search("SO レベル4", limit=20)
    assert [h.title for h in hits[:4]] == [
        "システムオペレーション レベル4 責任性",
        "システムオペレーション レベル4 複雑性",
        "システムオペレーション レベル4 サイズ",
        "システムオペレーション レベル4 タスク特性",
    ]
    rest = hits[4:]
    assert [h.kind for h in rest] == ["proficiency"] * 9
    assert rest[0].title == "システムオペレーション / 顧客リレーションの確立 / レベル4 スキル熟達度"
    assert all(h.specialty_ids == (SO,) and h.level == 4 for h in hits)


def test_common_entries_belong_to_every_specialty() -> None:
    hits = default_index().search("NO レベル1", limit=30)
    assert hits[0].title == "オペレーション共通 レベル1 責任性"
    assert hits[0].specialty_ids == ALL
    assert "オペレーション共通 / リーダーシップ / レベル1 スキル熟達度" in [h.title for h in hits]


def test_skill_with_specialty_and_level() -> None:
    hits = default_index().search("カスタマサポート リーダーシップ レベル5")
    assert hits[0].title == "スキル項目: リーダーシップ"
    assert hits[1].title == "カスタマサポート / リーダーシップ / レベル5 スキル熟達度"
    assert hits[1].text.endswith("指揮・命令しカスタマサポートを実施することができる")
    assert all(CS in h.specialty_ids and h.level in (5, None) for h in hits)


@pytest.mark.parametrize(
    ("query", "specialty", "level"),
    [("SO バックアップ", SO, None), ("CS レベル3 問題管理", CS, 3), ("NO Lv5 SLA", NO, 5),
     ("レベル2 リーダーシップ", None, 2)],
)  # fmt: skip
def test_filters_restrict_keyword_hits(
    query: str, specialty: str | None, level: int | None
) -> None:
    hits = default_index().search(query, limit=100)
    assert hits
    for hit in hits:
        if specialty:
            assert specialty in hit.specialty_ids
        if level and hit.level is not None:
            assert hit.level == level


def test_keywords_are_anded() -> None:
    hits = default_index().search("問題管理 エスカレーション", limit=100)
    assert [h.title for h in hits] == [
        "知識項目: サービス支援管理 > 問題管理 > 問題の解決、エスカレーション"
    ]


def test_results_are_deterministic_and_limited() -> None:
    fresh = SkillIndex(load_default())
    for query in ("バックアップ", "管理", "SO レベル4", "メンバー", "レベル3"):
        assert fresh.search(query, limit=7) == default_index().search(query, limit=7)
        assert len(fresh.search(query, limit=7)) <= 7
    assert default_index().search("バックアップ", limit=0) == []
    assert default_index() is default_index()


def test_hits_serialise_to_json() -> None:
    hits = default_index().search("問題管理", limit=3)
    payload: list[dict[str, Any]] = json.loads(json.dumps([h.as_dict() for h in hits]))
    assert payload[0]["title"] == "知識項目: サービス支援管理 > 問題管理"
    assert payload[0]["exact"] is True
    assert payload[0]["specialty_ids"] == list(ALL)


def test_hit_texts_are_verbatim_from_the_data() -> None:
    jc = load_default().job_category
    dims = {d.text for i in jc.indicators for d in i.dimensions}
    profs = {p.text for p in jc.proficiencies}
    for hit in default_index().search("管理", limit=100) + default_index().search("SO", limit=100):
        if hit.kind == "dimension":
            assert hit.text in dims
        elif hit.kind == "proficiency":
            assert hit.text in profs


# --------------------------------------------------------------------------- robustness

_VOCAB = ["SO", "NO", "CS", "レベル", "Lv", "4", "５", "四", "バックアップ", "ー", "・", "メンバー",
          "カスタマ", "ヘルプデスク", "リーダーシップ", "l", "(", "\\", "*", "[", "😀", "\x00",
          "\u200b", "\u3099", " ", "　", "、", "の", "管理", "9" * 30]  # fmt: skip


@settings(max_examples=300)
@given(st.one_of(st.text(), st.lists(st.sampled_from(_VOCAB), max_size=12).map("".join)))
def test_search_never_raises(text: str) -> None:
    index = default_index()
    found = index.lookup(text, limit=5)
    query = found.query  # the reading the hits came from (aliases as words when `literal`)
    hits = index.search(text, limit=5)
    assert hits == list(found.hits)
    assert len(hits) <= 5
    assert all(isinstance(h, Hit) for h in hits)
    assert bool(hits) != bool(found.suggestions)
    if not found.literal:
        assert query == index.parse(text)
    for hit in hits:
        if query.specialties:
            assert set(hit.specialty_ids) & set(query.specialties)
        if query.levels and hit.level is not None:
            assert hit.level in query.levels
    index.describe(query)


@pytest.mark.parametrize(
    "text",
    ["あ" * 10_000, "カスタマサポート" * 1_300, "管理 " * 3_400, "😀\x00\u200b\x1b[31m" * 2_000,
     "レベル" + "9" * 5_000, "ー" * 10_000, "\ud800" * 100, "cs " * 4_000, "SO レベル4 " + "x" * 9_990],
)  # fmt: skip
def test_long_and_odd_inputs(text: str) -> None:
    hits = default_index().search(text)
    assert len(hits) <= 10


def test_only_the_first_max_query_chars_are_read() -> None:
    index = default_index()
    long = "SO レベル4 " + "バックアップ " * MAX_QUERY_CHARS
    assert index.parse(long).keywords == ("バックアップ",)
    assert index.parse("cs " * 4_000).specialties == (CS,)
    assert index.parse("cs " * 4_000).terms == ()


# --------------------------------------------------------------------------- a tiny framework


def tiny() -> Framework:
    criterion = {"id": "c", "label": "c", "when": {"op": "is_true", "fact": "f"}}

    def indicator(id_: str, level: int, specialties: list[str], text: str) -> dict[str, Any]:
        return {
            "id": id_,
            "level": level,
            "specialties": specialties,
            "dimensions": [
                {"id": "responsibility", "name": "責任性", "text": text, "criteria": [criterion]}
            ],
        }

    return Framework.model_validate(
        {
            "id": "tiny",
            "version": "1",
            "source": {"publisher": "p", "title": "t", "version": "v"},
            "facts": [
                {
                    "id": "f",
                    "kind": "bool",
                    "label": "f",
                    "question": "q",
                    "serves": ["responsibility"],
                }
            ],
            "job_category": {
                "id": "jc",
                "name": "テスト",
                "description": "d",
                "levels": [1, 2],
                "dimensions": [{"id": "responsibility", "name": "責任性"}],
                "specialties": [
                    {"id": "alpha", "name": "アルファ運用", "description": "a", "aliases": ["AL"]},
                    {"id": "beta", "name": "ベータサポート", "description": "b"},
                ],
                "indicators": [
                    indicator("common_l1", 1, ["alpha", "beta"], "ユーザーと話した"),
                    indicator("alpha_l2", 2, ["alpha"], "アルファのサーバーを監視した"),
                    indicator("beta_l2", 2, ["beta"], "ベータのユーザを支援した"),
                ],
                "skills": [{"id": "lead", "name": "リーダーシップ", "topics": ["目標の設定"]}],
                "proficiencies": [
                    {"skill": "lead", "specialties": ["alpha"], "level": 2, "text": "指揮できる"}
                ],
                "knowledge": [
                    {
                        "skill": "lead",
                        "specialties": ["alpha", "beta"],
                        "levels": [1, 2],
                        "items": [{"text": "目標", "children": [{"text": "目標の共有"}]}],
                    }
                ],
            },
        }
    )


def test_tiny_framework() -> None:
    index = SkillIndex(tiny())
    assert index.parse("al").specialties == ("alpha",)
    assert index.parse("アルファ運用 ベータサポート").specialties == ("alpha", "beta")
    # long vowels in the data and in the query; the shorter text first
    assert [h.title for h in index.search("ユーザ")] == [
        "テスト共通 レベル1 責任性",
        "ベータサポート レベル2 責任性",
    ]
    assert [h.title for h in index.search("AL ユーザー")] == ["テスト共通 レベル1 責任性"]
    assert [h.title for h in index.search("サーバ")] == ["アルファ運用 レベル2 責任性"]
    # a skill name matches that skill's proficiencies although their text does not contain it
    assert [h.title for h in index.search("AL 2 リーダーシップ")] == [
        "スキル項目: リーダーシップ",
        "アルファ運用 / リーダーシップ / レベル2 スキル熟達度",
        "知識項目: リーダーシップ > 目標",
        "知識項目: リーダーシップ > 目標 > 目標の共有",
    ]
    assert index.search("目標")[0].title == "知識項目: リーダーシップ > 目標"
    assert index.search("beta 2")[0].title == "ベータサポート レベル2 責任性"
    assert index.search("存在しない") == []
