from django.urls import path

from firsthand.web import installable, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", installable.manifest, name="manifest"),
    path("sw.js", installable.service_worker, name="service_worker"),
    path("offline/", installable.offline, name="offline"),
    path("app/", installable.app_start, name="app_start"),
    path("w/<slug:slug>/", views.workspace_home, name="workspace_home"),
]
