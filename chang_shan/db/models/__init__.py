"""All mapped classes. Import from here so every table is registered on ``Base.metadata``."""

from chang_shan.db.base import Base
from chang_shan.db.models.places import Building, Grid, Household, HouseholdTag, Organisation, Unit
from chang_shan.db.models.people import Movement, Resident, ResidentGroup
from chang_shan.db.models.roles import RoleAssignment
from chang_shan.db.models.meta import AppMeta
from chang_shan.db.models.accounts import UserAccount, UserGrid
from chang_shan.db.models.journal import ChangeRow, ChangeSet
from chang_shan.db.models.health import (
    HealthCondition,
    HealthFamilyHistory,
    HealthProfile,
    HealthSelfCare,
    HealthVisit,
)
from chang_shan.db.models.care import CareAssignment, ResidentContact

__all__ = [
    "AppMeta",
    "Base",
    "Building",
    "CareAssignment",
    "ChangeRow",
    "ChangeSet",
    "Grid",
    "Household",
    "HealthCondition",
    "HealthFamilyHistory",
    "HealthProfile",
    "HealthSelfCare",
    "HealthVisit",
    "HouseholdTag",
    "Movement",
    "Organisation",
    "Resident",
    "ResidentContact",
    "ResidentGroup",
    "RoleAssignment",
    "Unit",
    "UserAccount",
    "UserGrid",
]
