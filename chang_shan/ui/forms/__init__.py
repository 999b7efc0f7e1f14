"""Building blocks for data-entry dialogs: a form whose rows show a Chinese message under the
field, code-table combos with a typeable filter, a date field that may be left empty, and the
building → unit → household picker.

Validation itself is never done here: a dialog asks the service (``validate_*``) and hands the
``ValidationError.errors`` mapping to :class:`ValidatedForm.show_errors`.
"""

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
