"""Building blocks for data-entry dialogs: a form whose rows show a Chinese message under the
field, code-table combos with a typeable filter, a date field that may be left empty, and the
building → unit → household picker.

Validation itself is never done here: a dialog asks the service (``validate_*``) and hands the
``ValidationError.errors`` mapping to :class:`ValidatedForm.show_errors`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chang_shan.ui.forms.fields import (
        CheckGroup,
        CodeCombo,
        DateField,
        ValidatedForm,
        confirm,
        format_date,
        qdate,
        set_combo_data,
    )
    from chang_shan.ui.forms.form_dialog import FormDialog
    from chang_shan.ui.forms.household_picker import HouseholdPicker

# The names below are imported from their modules on first use, not here: the login dialog needs
# only ``fields``, and the household picker brings the household and resident services with it
# (start-up time, docs/benchmarks.md).
_MODULE_OF = {
    "CheckGroup": "fields",
    "CodeCombo": "fields",
    "DateField": "fields",
    "ValidatedForm": "fields",
    "confirm": "fields",
    "format_date": "fields",
    "qdate": "fields",
    "set_combo_data": "fields",
    "FormDialog": "form_dialog",
    "HouseholdPicker": "household_picker",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


__all__ = [
    "CheckGroup",
    "CodeCombo",
    "DateField",
    "FormDialog",
    "HouseholdPicker",
    "ValidatedForm",
    "confirm",
    "format_date",
    "qdate",
    "set_combo_data",
]
