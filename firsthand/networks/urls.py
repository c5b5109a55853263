from django.urls import path

from firsthand.networks import views

app_name = "networks"

urlpatterns = [
    path("w/<slug:slug>/accounts/", views.accounts, name="accounts"),
    path("w/<slug:slug>/accounts/connect/sandbox/", views.connect_sandbox, name="connect_sandbox"),
    path("w/<slug:slug>/accounts/connect/bluesky/", views.connect_bluesky, name="connect_bluesky"),
    path("w/<slug:slug>/accounts/connect/mastodon/", views.connect_mastodon, name="connect_mastodon"),
    path("networks/mastodon/callback/", views.mastodon_callback, name="mastodon_callback"),
    path("w/<slug:slug>/accounts/<int:account_id>/", views.update, name="update"),
    path("w/<slug:slug>/accounts/<int:account_id>/disconnect/", views.disconnect, name="disconnect"),
]
