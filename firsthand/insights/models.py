"""The insights app's tables; each idea keeps its models in its own package."""

from firsthand.insights.followers.models import AuditedFollower, FollowerAudit, FollowerSnapshot
from firsthand.insights.posts.models import PostFigures
from firsthand.insights.report.models import WeeklyReport

__all__ = ["AuditedFollower", "FollowerAudit", "FollowerSnapshot", "PostFigures", "WeeklyReport"]
