from django.urls import path

from firsthand.insights.views import conversations, followers, overview, posts, report, settings

app_name = "insights"

urlpatterns = [
    path("w/<slug:slug>/insights/", overview.overview, name="overview"),
    path("w/<slug:slug>/insights/conversations/", conversations.conversations, name="conversations"),
    path("w/<slug:slug>/insights/posts/", posts.posts, name="posts"),
    path("w/<slug:slug>/insights/report.pdf", report.report_pdf, name="report_pdf"),
    path("w/<slug:slug>/insights/settings/", settings.insight_settings, name="settings"),
    path("w/<slug:slug>/insights/followers/", followers.followers, name="followers"),
    path("w/<slug:slug>/insights/followers/<id:account_id>/audit/", followers.start, name="follower_audit_start"),
    path(
        "w/<slug:slug>/insights/followers/<id:account_id>/progress/",
        followers.progress,
        name="follower_audit_progress",
    ),
    path(
        "w/<slug:slug>/insights/followers/audits/<id:audit_id>/cancel/", followers.cancel, name="follower_audit_cancel"
    ),
    path("w/<slug:slug>/insights/followers/audits/<id:audit_id>.csv", followers.export, name="follower_audit_csv"),
]
