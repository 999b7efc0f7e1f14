"""A resident's emergency contacts (family first), in calling order.

Reading needs ``Perm.VIEW``, changing ``Perm.EDIT``; a 网格员 reaches only the residents of their
grids. Phones are full only for a user who may edit the resident, masked for everyone else.
``set_contacts`` replaces the whole list: bad input raises ``ValidationError`` keyed
``contacts[i].name`` / ``contacts[i].phone`` … before anything is written.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of
from chang_shan.care.shapes import ContactInput, ContactRow
from chang_shan.db.models.care import ResidentContact
from chang_shan.errors import ValidationError
from chang_shan.health.checks import clean_field, column_limit, resident_to_read, resident_to_write
from chang_shan.population import access
from chang_shan.population.idnumber import mask_phone
from chang_shan.population.residents import validate_phone
from chang_shan.population.text import clean_name

MAX_CONTACTS = 5


def _blank(contact: ContactInput) -> bool:
    return not any((value or "").strip() for value in (contact.name, contact.relation, contact.phone, contact.note))


def _validate(contacts: list[ContactInput]) -> list[ContactInput]:
    """Cleaned contacts; empty lines (a form's unused rows) are left out."""
    errors: dict[str, str] = {}
    clean: list[ContactInput] = []
    for i, contact in enumerate(contacts):
        if _blank(contact):
            continue
        key = f"contacts[{i}]"
        name = clean_field(errors, f"{key}.name", "姓名", contact.name, column_limit(ResidentContact, "name"), clean_name)
        if not name:
            errors[f"{key}.name"] = "请填写联系人姓名。"
        relation = clean_field(errors, f"{key}.relation", "关系", contact.relation,
                               column_limit(ResidentContact, "relation"))
        phone, phone_error = validate_phone(contact.phone)
        if phone_error:
            errors[f"{key}.phone"] = phone_error
        elif len(phone) > column_limit(ResidentContact, "phone"):
            errors[f"{key}.phone"] = "电话号码太长。"
        note = clean_field(errors, f"{key}.note", "备注", contact.note, column_limit(ResidentContact, "note"))
        clean.append(ContactInput(name=name, relation=relation, phone=phone, note=note))
    if len(clean) > MAX_CONTACTS:
        errors["contacts"] = f"紧急联系人最多 {MAX_CONTACTS} 位，现在是 {len(clean)} 位。"
    if errors:
        raise ValidationError(errors)
    return clean


def _rows(session: Session, resident_id: int) -> list[ResidentContact]:
    return list(session.scalars(
        select(ResidentContact).where(ResidentContact.resident_id == resident_id)
        .order_by(ResidentContact.position, ResidentContact.id)
    ))


def list_contacts(session: Session, resident_id: int) -> list[ContactRow]:
    """The resident's contacts in calling order (phones masked unless the user may edit them)."""
    resident_to_read(session, resident_id, Perm.VIEW)
    full = access.can_edit_resident(session, actor_of(session), resident_id)
    return [
        ContactRow(id=c.id, resident_id=c.resident_id, position=c.position, name=c.name, relation=c.relation,
                   phone=c.phone if full else mask_phone(c.phone), phone_masked=mask_phone(c.phone), note=c.note)
        for c in _rows(session, resident_id)
    ]


def set_contacts(session: Session, resident_id: int, contacts: list[ContactInput]) -> list[ContactRow]:
    """Make ``contacts`` (at most five, in calling order) the resident's list. Rows are changed in
    place, so the audit trail shows which phone or name changed."""
    resident_to_write(session, resident_id, what="紧急联系人", health=False)
    clean = _validate(list(contacts))
    rows = _rows(session, resident_id)
    for position, contact in enumerate(clean, start=1):
        if position <= len(rows):
            row = rows[position - 1]
        else:
            row = ResidentContact(resident_id=resident_id)
            session.add(row)
        row.position, row.name, row.relation = position, contact.name, contact.relation
        row.phone, row.note = contact.phone, contact.note
    for row in rows[len(clean):]:
        session.delete(row)
    session.flush()
    return list_contacts(session, resident_id)
