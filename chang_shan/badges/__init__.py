"""防走失二维码: what goes on each elder's badge (consent, photo, contacts), the QR text and its size,
the badge layouts, and the register of printed badges. No Qt: the GUI and ``chang-shan badges``
both call these services."""
