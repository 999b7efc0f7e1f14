"""The bulk writer under the demo builder: explicit ids, Core bulk inserts, counts.

Rows are not written to the change journal (a demo is not a user's action to undo)."""

from __future__ import annotations

from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Table, func, insert, select, text

from chang_shan.db.base import utcnow
from chang_shan.db.models import (
    Badge,
    BadgeConsent,
    BadgePrint,
    Building,
    CanteenMeal,
    CanteenMember,
    CareAssignment,
    DeviceInspection,
    Grid,
    HealthCondition,
    HealthSelfCare,
    HealthVisit,
    Household,
    Movement,
    Organisation,
    Resident,
    ResidentContact,
    ResidentPhoto,
    RoleAssignment,
    SafetyDevice,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestEvent,
    Unit,
)
from chang_shan.db.models.wills import WillPerson, WillRegistration, WillWitness
from chang_shan.maintenance.stats import shift_years

GOVERNANCE_MODULES = ("party", "volunteers", "deliberation", "mediation", "fees")


def _governance_tables() -> list[Table]:
    import importlib

    from chang_shan.db.base import Base

    names = {table.name for module in GOVERNANCE_MODULES
             for table in (getattr(cls, "__table__", None) for cls in
                           vars(importlib.import_module(f"chang_shan.db.models.{module}")).values())
             if table is not None and "id" in table.c}
    return [table for table in Base.metadata.sorted_tables if table.name in names]


GOVERNANCE_TABLES = _governance_tables()


class _BulkWriter:
    def __init__(self, connection: Connection, *, seed: int, today: date) -> None:
        self.connection = connection
        self.seed = seed
        self.today = today
        self.now = utcnow()
        self.used_ids: set[str] = set()
        self.next_id = {
            name: (connection.scalar(select(func.max(table.c.id))) or 0) + 1
            for name, table in (
                ("grid", Grid.__table__), ("building", Building.__table__), ("unit", Unit.__table__),
                ("household", Household.__table__), ("resident", Resident.__table__),
                ("movement", Movement.__table__), ("role_assignment", RoleAssignment.__table__),
                ("organisation", Organisation.__table__), ("health_condition", HealthCondition.__table__),
                ("health_self_care", HealthSelfCare.__table__), ("health_visit", HealthVisit.__table__),
                ("care_assignment", CareAssignment.__table__), ("resident_contact", ResidentContact.__table__),
                ("service_category", ServiceCategory.__table__), ("service_request", ServiceRequest.__table__),
                ("service_request_event", ServiceRequestEvent.__table__),
                ("canteen_member", CanteenMember.__table__), ("canteen_meal", CanteenMeal.__table__),
                ("safety_device", SafetyDevice.__table__), ("device_inspection", DeviceInspection.__table__),
                ("will_registration", WillRegistration.__table__), ("will_witness", WillWitness.__table__),
                ("will_person", WillPerson.__table__),
                ("badge", Badge.__table__), ("badge_print", BadgePrint.__table__),
                ("badge_consent", BadgeConsent.__table__), ("resident_photo", ResidentPhoto.__table__),
            )
        }
        # The governance ledgers (party, volunteers, deliberation, mediation, fees): every table with an id.
        for table in GOVERNANCE_TABLES:
            self.next_id[table.name] = (connection.scalar(select(func.max(table.c.id))) or 0) + 1
        self.counts = dict.fromkeys(
            (
                "grids", "buildings", "low_rise_areas", "units", "households", "residents",
                "residents_total", "aged_60_plus", "lone_elders", "party_households",
                "role_assignments", "organisations", "moved_out", "deceased", "health_profiles",
                "health_visits", "care_assignments", "without_caretaker", "contacts", "service_requests",
                "open_requests", "canteen_members", "canteen_delivered", "canteen_meals", "safety_devices",
                "gas_alarms", "inspections", "wills", "badge_consents", "badge_photos", "badges_printed", "badges_stale",
                "party_orgs", "party_groups", "party_members", "study_days", "volunteer_teams", "volunteers",
                "volunteer_services", "volunteer_hours", "redemptions", "matters", "mediation_cases",
                "fee_payments", "loans", "eight_zero_entries",
            ),
            0,
        )
        self.sixty_cutoff = shift_years(today, -60)

    def _ids(self, table: str, count: int = 1) -> int:
        first = self.next_id[table]
        self.next_id[table] = first + count
        return first

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Rows with the same keys. On a positional driver (SQLite) that is given every column with a
        Python-side default, the values go to the driver through the columns' own bind processors
        (dates, JSON): the same rows as a Core insert, without its per-row bookkeeping, which
        costs more than SQLite itself on the larger tables. Otherwise a Core insert."""
        if not rows:
            return
        keys = list(rows[0])
        dialect = self.connection.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=keys)
        order = list(compiled.positiontup or ()) if compiled.positional else []
        if sorted(order) != sorted(keys):
            self.connection.execute(insert(table), rows)
            return
        processors = [
            (index, processor, None if isinstance(table.c[key].type, JSON) else {})
            for index, key in enumerate(order)
            if (processor := table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) is not None
        ]
        pick = itemgetter(*order)
        params = []
        for row in rows:
            values = list(pick(row)) if len(order) > 1 else [pick(row)]
            for index, processor, seen in processors:
                value = values[index]
                if seen is None:
                    values[index] = processor(value)
                elif value in seen:  # dates repeat: format each once
                    values[index] = seen[value]
                else:
                    values[index] = seen[value] = processor(value)
            params.append(tuple(values))
        self.connection.exec_driver_sql(compiled.string, params)

    def _movement(
        self, resident_id: int, kind: str, on: date, *, from_household: int | None = None,
        to_household: int | None = None, note: str = "",
    ) -> dict[str, Any]:
        return {
            "id": self._ids("movement"), "resident_id": resident_id, "kind": kind, "on_date": on,
            "from_household_id": from_household, "to_household_id": to_household, "note": note,
            "recorded_at": self.now,
        }

    def fix_sequences(self) -> None:
        """Explicit ids bypass PostgreSQL's sequences; move them past the rows written."""
        if self.connection.dialect.name != "postgresql":
            return
        for name in self.next_id:
            self.connection.execute(
                text(
                    f"select setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(select coalesce(max(id), 1) from {name}))"
                )
            )
