"""The lookup's query table: what Japanese operations engineers type, and the seed text a hit
among the first few must show.

Shared by tests/framework_data/test_search_queries.py (which asserts the pass rate of the
bundled index) and benchmarks/bench_lookup.py (which measures it for every candidate splitter
and writes it to docs/benchmarks.md). Every expected string is verbatim from the seed
(/work/shared/seed/itss-operations.txt, as bundled in framework_data/data/operations.yaml): a
title is made of its names, a text is its definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from framework_data.search import SkillIndex


@dataclass(frozen=True)
class Case:
    """`query` passes when one of its first `top` hits shows every string of `expect` in its
    title or text."""

    query: str
    expect: tuple[str, ...]
    top: int = 3


def _c(query: str, *expect: str, top: int = 3) -> Case:
    return Case(query, expect, top)


CASES: tuple[Case, ...] = (
    # compound words typed without spaces (issue 11)
    _c("障害対応", "障害対策"),
    _c("ネットワーク監視", "ネットワークオペレーション", "監視"),
    _c("知識項目 バックアップ", "知識項目: サービス支援管理 > バックアップ/リカバリ管理", top=1),
    _c("知識項目バックアップ", "知識項目: サービス支援管理 > バックアップ/リカバリ管理", top=1),
    _c("バックアップ手順", "バックアップ"),
    _c("問題の切り分け", "問題の発見、切り分け"),
    _c("要員計画", "要員の計画"),
    _c("ニーズ把握", "ユーザ・ニーズの把握"),
    _c("論文執筆", "論文・技術レポートの執筆"),
    _c("マルチベンダ対応", "マルチベンダ"),
    _c("問合せ状況の追跡", "問合せ処理状況の追跡"),
    _c("ユーザからの問合せに対応する", "問合せ対応"),
    _c("問合せ対応", "問合せ対応"),
    # sentences: particles and verb endings between the words
    _c("バックアップを取る", "バックアップ"),
    _c("変更を承認する", "変更の承認"),
    _c("問題をエスカレーションする", "問題の解決、エスカレーション"),
    _c("ユーザの満足度を調査する", "ユーザ満足度調査"),
    _c("障害が起きたときの対応", "障害"),
    _c("資産を管理する", "資産管理"),
    _c("顧客満足度", "満足度"),
    _c("コンソール操作", "コンソールオペレーション"),
    _c("マニュアル整備", "各種マニュアル、データベース等の整備"),
    _c("目標設定", "目標"),
    _c("交渉力", "交渉"),
    _c("文書作成", "文書の作成"),
    _c("インタビュー実施", "対話、インタビューの実施"),
    # words of the data, as they stand
    _c("バックアップ", "知識項目: サービス支援管理 > バックアップ/リカバリ管理", top=1),
    _c("障害", "障害対策"),
    _c("問題管理", "知識項目: サービス支援管理 > 問題管理", top=1),
    _c("エスカレーション", "問題の解決、エスカレーション"),
    _c("構成管理", "知識項目: サービス支援管理 > 構成管理", top=1),
    _c("変更の承認", "変更の承認", top=1),
    _c("キャパシティ管理", "パフォーマンス/キャパシティ管理"),
    _c("災害対策", "災害対策"),
    _c("サービスレベル管理", "知識項目: 顧客リレーションの確立", "> サービスレベル管理", top=1),
    _c("SLA", "(SLA)"),
    _c("ユーザ満足度調査", "ユーザ満足度調査項目の設定"),
    _c("後進育成", "後進育成"),
    _c("高可用性", "高可用性"),
    _c("棚卸", "棚卸、在庫管理"),
    _c("費用配賦", "費用配賦"),
    _c("意思疎通", "意思疎通"),
    _c("ユーザ ニーズ", "ユーザ・ニーズ"),
    _c("100拠点", "100 拠点以上"),
    _c("年間契約金額 1 億円", "年間契約金額 1 億円"),
    _c("プレゼン", "プレゼンテーション技術の活用・実践"),
    # names of the framework's parts act as filters (issue 11)
    _c("熟達度 リーダーシップ", "リーダーシップ", "スキル熟達度"),
    _c("リーダーシップ レベル5 熟達度", "/ リーダーシップ / レベル5 スキル熟達度", top=1),
    _c("スキル 構成管理", "スキル項目: サービス支援管理", top=1),
    _c("達成度指標 SLA", "責任性", "(SLA)"),
    _c("知識 ヘルプデスク", "知識項目: 顧客リレーションの確立(ヘルプデスク)"),
    # specialty aliases and levels narrow, they do not swallow an item (issue 11)
    _c("システムオペレーション", "スキル項目: システムオペレーション", top=1),
    _c("ネットワークオペレーション", "スキル項目: ネットワークオペレーション", top=1),
    _c("ネットワークオペレーション業務の推進", "ネットワークオペレーション業務の推進", top=1),
    _c("ヘルプデスク ユーザ支援", "ヘルプデスク(ユーザ支援)", top=1),
    _c("ヘルプデスクの計画", "ヘルプデスクの計画"),
    _c("SO レベル4", "システムオペレーション レベル4 責任性", top=1),
    _c("CS Lv5", "カスタマサポート レベル5 責任性", top=1),
    _c("NO レベル3 サイズ", "ネットワークオペレーション レベル3 サイズ", top=1),
    _c("ヘルプデスク", "カスタマサポート", top=1),
)


def passes(index: SkillIndex, case: Case) -> bool:
    """Whether one of the first `case.top` hits shows every expected string."""
    for hit in index.search(case.query, limit=case.top):
        shown = f"{hit.title}\n{hit.text}"
        if all(e in shown for e in case.expect):
            return True
    return False


def pass_rate(index: SkillIndex) -> tuple[float, list[str]]:
    """The share of `CASES` that pass, and the queries that fail."""
    failed = [c.query for c in CASES if not passes(index, c)]
    return 1 - len(failed) / len(CASES), failed
