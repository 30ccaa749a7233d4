from .access import AccessLog
from .contractors import ConfidentialityAgreement, Contractor, WorkKind, WorkOrder
from .disclosures import EXCEPTIONAL_BASES, ExceptionalProvision, Provision, ProvisionStop
from .requests import DeadlineDigest, RequestEvent, RequestKind, RequestRule, SubjectRequest
from .staff import Department, User

__all__ = [
    "EXCEPTIONAL_BASES",
    "AccessLog",
    "ConfidentialityAgreement",
    "Contractor",
    "DeadlineDigest",
    "Department",
    "ExceptionalProvision",
    "Provision",
    "ProvisionStop",
    "RequestEvent",
    "RequestKind",
    "RequestRule",
    "SubjectRequest",
    "User",
    "WorkKind",
    "WorkOrder",
]
