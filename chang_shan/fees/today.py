"""The today list's sections of this ledger (registered with ``today.registry.register_section``)."""
