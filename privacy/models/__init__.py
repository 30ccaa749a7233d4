from .access import AccessLog
from .contractors import ConfidentialityAgreement, Contractor, WorkKind, WorkOrder
from .disclosures import EXCEPTIONAL_BASES, ExceptionalProvision, Provision, ProvisionStop
from .staff import Department, User

__all__ = [
    "EXCEPTIONAL_BASES",
    "AccessLog",
    "ConfidentialityAgreement",
    "Contractor",
    "Department",
    "ExceptionalProvision",
    "Provision",
    "ProvisionStop",
    "User",
    "WorkKind",
    "WorkOrder",
]
