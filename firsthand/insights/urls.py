from django.urls import path

from firsthand.insights.views import conversations, overview

app_name = "insights"

urlpatterns = [
    path("w/<slug:slug>/insights/", overview.overview, name="overview"),
    path("w/<slug:slug>/insights/conversations/", conversations.conversations, name="conversations"),
]
