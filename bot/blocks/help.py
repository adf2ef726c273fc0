"""`/itss help` (and the foot of App Home): what the bot does and its subcommands."""

from __future__ import annotations

from bot.blocks.common import Block, section


def help_blocks() -> list[Block]:
    lines = [
        "*ITSS スキル診断ボット* — ITスキル標準（職種: オペレーション）に沿って、DM で質問に答えるだけでレベルを判定します。",
        "`/itss start [専門分野]` DM でインタビューを開始・再開（SO / NO / CS）",
        "`/itss status` 回答中のインタビューと最新の結果",
        "`/itss skill キーワード` スキル定義を検索（例: バックアップ、SO レベル4）",
        "`/itss level 専門分野 レベル` 達成度指標を表示（例: `/itss level CS 4`）",
        "`/itss history [@メンバー]` これまでの結果（自己評価と確定レベル）。他の人の分はマネージャー・管理者のみ",
        "`/itss team` マネージャー向け: 部下の診断状況一覧と CSV",
        "`/itss campaign start 名前 期限 対象` / `status [名前]` / `close 名前` 診断キャンペーン（管理者・マネージャー）",
        "`/itss forget` 自分に関する保存データをすべて削除（確認あり）",
        "`/itss roster set @メンバー @マネージャー [専門分野]` / `remove @メンバー` / `show` / `import`（管理者のみ）",
        "`/itss audit` 監査ログの最新 50 件 / `audit csv` すべてを CSV で（管理者のみ）",
    ]
    return [section("\n".join(lines))]
