"""The insights app's tables; each idea keeps its models in its own package."""

from firsthand.insights.followers.models import AuditedFollower, FollowerAudit, FollowerSnapshot
from firsthand.insights.rollups.models import HourlyCount, RollupMark

__all__ = ["AuditedFollower", "FollowerAudit", "FollowerSnapshot", "HourlyCount", "RollupMark"]
