from django.urls import path

from firsthand.api import views
from firsthand.api.mcp import transport

app_name = "api"

urlpatterns = [
    path("api/", views.docs, name="docs"),
    path("mcp", transport.endpoint, name="mcp"),
    path("w/<slug:slug>/settings/api/", views.tokens, name="tokens"),
    path("w/<slug:slug>/settings/api/<id:token_id>/revoke/", views.revoke, name="revoke"),
]
