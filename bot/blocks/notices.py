"""The texts of outbox notices: what a person or an admin is told about a delivery."""

from __future__ import annotations

from flows.outbox import Delivery

REASONS = {
    "user_not_found": "アカウントが見つからないか無効です",
    "users_not_found": "アカウントが見つからないか無効です",
    "user_disabled": "アカウントが見つからないか無効です",
    "channel_not_found": "アカウントが見つからないか無効です",
    "cannot_dm_bot": "ボットのアカウントには送れません",
    "messages_tab_disabled": "ボットからの DM を受け取れない設定になっています",
    "ratelimited": "Slack の送信制限が続いたため",
    "server_error": "Slack のサーバーエラーが続いたため",
    "unsure": "Slack が応答しなかったため",
    "timeout": "Slack が応答しなかったため",
}


def reason_text(code: str) -> str:
    """The true reason in words; an unknown Slack error code is named as it is."""
    return REASONS.get(code, f"Slack がエラー「{code}」を返しました")


def notice_text(delivery: Delivery, specialty_name: str) -> str:
    """The message of a notice delivery (kinds other than the results themselves)."""
    who = f"<@{delivery.user}>"
    match delivery.kind:
        case "no_manager":
            return (
                "マネージャーが名簿に登録されていないため、結果はマネージャーに送られていません。"
                "管理者に連絡しました。"
            )
        case "no_manager_admin":
            return (
                f"{who} さんの ITSS 判定（{specialty_name}）が完了しましたが、マネージャーが"
                "名簿に登録されていません。`/itss roster set` で登録してください。"
            )
        case "undelivered":
            return (
                f"<@{delivery.about}> さんに結果を送れませんでした"
                f"（{reason_text(delivery.reason)}）。結果は保存されています。"
            )
        case "undelivered_admin":
            return (
                f"{who} さんに ITSS の結果（{specialty_name}）を送れませんでした"
                f"（{reason_text(delivery.reason)}）。結果は保存されています。"
            )
        case _:
            raise ValueError(f"{delivery.kind} is not a notice")
