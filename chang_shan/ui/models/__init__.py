"""Qt item models over the services: they hold ids and fetch rows lazily."""
