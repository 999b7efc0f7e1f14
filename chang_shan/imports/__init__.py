"""Residents and households in from the office's Excel workbooks.

``plan_import(session, path, *, sheet, mapping, progress)`` is the dry run: it reads the
workbook (openpyxl read-only), finds the header row, maps the columns (``FIELDS``; the usual
Chinese headers and the exports' own headers automatically), and returns an ``ImportPlan`` with
every problem located by sheet, row and column, and what an import would do. Nothing is written.
``apply_import(session, plan, *, progress)`` carries out a plan without problems in the caller's
one transaction. ``write_template(path)`` writes the template workbook.
"""

from chang_shan.imports.apply import ImportResult, apply_import
from chang_shan.imports.fields import FIELDS, NOT_IMPORTED, FieldInfo
from chang_shan.imports.plan import ImportPlan, NewHousehold, PlannedRow, Problem, SourceColumn, plan_import
from chang_shan.imports.template import write_template

__all__ = [
    "FIELDS", "NOT_IMPORTED", "FieldInfo", "ImportPlan", "ImportResult", "NewHousehold", "PlannedRow", "Problem",
    "SourceColumn", "apply_import", "plan_import", "write_template",
]
