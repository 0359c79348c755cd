"""A group's rule settings in the store (only what the group changes from the defaults)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from dealerreach.features.config import RuleConfig
from dealerreach.storage.schema import group_config


def stored_overrides(conn: sa.Connection, *, group_id: str) -> dict[str, Any]:
    row = conn.execute(sa.select(group_config.c.settings)
                       .where(group_config.c.group_id == group_id)).first()
    return dict(row.settings) if row else {}


def load_config(conn: sa.Connection, *, group_id: str) -> RuleConfig:
    return RuleConfig.model_validate(stored_overrides(conn, group_id=group_id))


def save_overrides(conn: sa.Connection, *, group_id: str, overrides: dict[str, Any],
                   now: datetime) -> RuleConfig:
    """Validate and store a group's overrides (the caller owns the transaction)."""
    config = RuleConfig.model_validate(overrides)
    conn.execute(sa.delete(group_config).where(group_config.c.group_id == group_id))
    conn.execute(sa.insert(group_config).values(group_id=group_id, settings=overrides,
                                                updated_at=now))
    return config
