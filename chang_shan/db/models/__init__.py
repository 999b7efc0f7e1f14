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
from chang_shan.db.models.services import ServiceCategory, ServiceRequest, ServiceRequestEvent
from chang_shan.db.models.canteen import CanteenMeal, CanteenMember
from chang_shan.db.models.safety import DeviceInspection, SafetyDevice
from chang_shan.db.models.badges import Badge, BadgeConsent, BadgePrint, ResidentPhoto
from chang_shan.db.models.wills import WillAttachment, WillPerson, WillRegistration, WillWitness
from chang_shan.db.models.party import (
    PartyMember,
    PartyMemberEvent,
    PartyOrg,
    PartyPost,
    PartyStudyAttendance,
    PartyStudyDay,
)
from chang_shan.db.models.volunteers import (
    Volunteer,
    VolunteerPointEntry,
    VolunteerPointRule,
    VolunteerRedemption,
    VolunteerRedemptionLine,
    VolunteerRewardItem,
    VolunteerService,
    VolunteerTeam,
    VolunteerTeamMember,
)
from chang_shan.db.models.deliberation import DeliberationMatter, DeliberationStep
from chang_shan.db.models.mediation import (
    MediationCase,
    MediationCaseMediator,
    MediationParty,
    MediationVisit,
    Mediator,
)
from chang_shan.db.models.fees import Loan, LoanRepayment, PropertyFeePayment, PropertyFeeRate
from chang_shan.db.models.indicators import EightZeroEntry

__all__ = [
    "AppMeta",
    "Badge",
    "BadgeConsent",
    "BadgePrint",
    "Base",
    "Building",
    "CanteenMeal",
    "CanteenMember",
    "CareAssignment",
    "ChangeRow",
    "ChangeSet",
    "DeliberationMatter",
    "DeliberationStep",
    "DeviceInspection",
    "EightZeroEntry",
    "Grid",
    "HealthCondition",
    "HealthFamilyHistory",
    "HealthProfile",
    "HealthSelfCare",
    "HealthVisit",
    "Household",
    "HouseholdTag",
    "Loan",
    "LoanRepayment",
    "MediationCase",
    "MediationCaseMediator",
    "MediationParty",
    "MediationVisit",
    "Mediator",
    "Movement",
    "Organisation",
    "PartyMember",
    "PartyMemberEvent",
    "PartyOrg",
    "PartyPost",
    "PartyStudyAttendance",
    "PartyStudyDay",
    "PropertyFeePayment",
    "PropertyFeeRate",
    "Resident",
    "ResidentContact",
    "ResidentGroup",
    "ResidentPhoto",
    "RoleAssignment",
    "SafetyDevice",
    "ServiceCategory",
    "ServiceRequest",
    "ServiceRequestEvent",
    "Unit",
    "UserAccount",
    "UserGrid",
    "Volunteer",
    "VolunteerPointEntry",
    "VolunteerPointRule",
    "VolunteerRedemption",
    "VolunteerRedemptionLine",
    "VolunteerRewardItem",
    "VolunteerService",
    "VolunteerTeam",
    "VolunteerTeamMember",
    "WillAttachment",
    "WillPerson",
    "WillRegistration",
    "WillWitness",
]
