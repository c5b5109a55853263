from django.urls import path

from firsthand.api import views

app_name = "api"

urlpatterns = [
    path("api/", views.docs, name="docs"),
    path("w/<slug:slug>/settings/api/", views.tokens, name="tokens"),
    path("w/<slug:slug>/settings/api/<id:token_id>/revoke/", views.revoke, name="revoke"),
]
