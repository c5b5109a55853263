"""The insights app's tables; each idea keeps its models in its own package."""

from firsthand.insights.followers.models import AuditedFollower, FollowerAudit, FollowerSnapshot
from firsthand.insights.posts.models import PostFigures
from firsthand.insights.report.models import WeeklyReport
from firsthand.insights.rollups.models import HourlyCount, RollupMark

__all__ = [
    "AuditedFollower",
    "FollowerAudit",
    "FollowerSnapshot",
    "HourlyCount",
    "PostFigures",
    "RollupMark",
    "WeeklyReport",
]
