"""Skill lookup: find indicators, スキル熟達度, 知識項目 and スキル項目 from free Japanese text.

A query is read into filters and keywords (`SkillIndex.parse`):

* specialty names and aliases from the data (SO / NO / CS, ヘルプデスク, English names, any
  case, with or without long vowels or spaces) restrict hits to that specialty; entries common
  to several specialties stay visible;
* level tokens (レベル4, Lv4, Lv.4, L4, lv 4, レベル四, or 4 / ４ / 四 on their own) restrict hits
  to that level; entries without a single level (スキル項目, 知識項目 of several levels) stay;
* words that name a part of the framework (知識項目, 熟達度, 達成度指標, スキル, see `words`)
  restrict hits to that kind of definition;
* everything else is a keyword. Keywords that name a スキル項目 (リーダーシップ, 顧客リレーション)
  are reported as skills and also match every definition of that skill.

Every keyword must match (AND), as a substring of the normalised text (see `textnorm`), because
Japanese has no spaces between words. A keyword that is not in the data as it stands (障害対応)
is split into parts (`split`: character bigrams) that must all match; failing that, the
definitions with the most parts are shown (`Lookup.partial`). A filter word never hides an
item: an alias that also names an item exactly keeps that item first, and when the filters
leave nothing the query is read again with its bare numbers and aliases as words
(`Lookup.literal`). Hits where the query equals a curated item, knowledge node or skill name
come first, then by score: a match in a short curated field beats one in a long text. With
filters but no keywords, the definitions for the filters are listed. A query that finds
nothing gets `Lookup.suggestions` (「もしかして」, see `suggest`), never an empty answer.

The index is built once per framework; a search touches only precomputed, normalised strings.

The package: `query` reads a query (`words` finds its filter words, `split` splits the words
that are not in the data), `records` turns the framework into weighted records, `ranking` finds
and orders hits, `suggest` proposes queries that find something, and `index` ties them
together in `SkillIndex`.
"""

from __future__ import annotations

from framework_data.search.index import Lookup, SkillIndex, default_index
from framework_data.search.query import MAX_QUERY_CHARS, Query
from framework_data.search.ranking import Hit
from framework_data.search.suggest import Suggestion

__all__ = ["MAX_QUERY_CHARS", "Hit", "Lookup", "Query", "SkillIndex", "Suggestion", "default_index"]
