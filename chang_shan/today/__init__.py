"""The today list (今日待办): what is due or overdue on a day, in sections, each item opening a
record. ``build_today(session, on)``; sections are added with ``register_section``."""

from chang_shan.today.registry import build_today, register_section

__all__ = ["build_today", "register_section"]
