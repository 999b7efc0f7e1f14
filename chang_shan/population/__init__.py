"""万家数据库: places, households, residents and the 三长 — the services over them."""
