"""The demo community: a synthetic 长山花园社区 with the real community's shape (see builder.py)."""
