"""报表 in the window: the reports of ``chang_shan.reports.registry`` with their options, a preview
of the pages (rendered with PDFium), printing and saving the PDF."""
