"""The 防走失卡 print flow in the window: the Qt painter of badge pages (``painter``: preview and
system printing) and the print dialog (``print_dialog.BadgePrintDialog``)."""
