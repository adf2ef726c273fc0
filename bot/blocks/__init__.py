"""Block Kit renderers: pure functions from domain objects to Slack blocks (plain dicts)."""
