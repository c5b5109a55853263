from django.urls import path

from firsthand.insights.views import overview

app_name = "insights"

urlpatterns = [
    path("w/<slug:slug>/insights/", overview.overview, name="overview"),
]
