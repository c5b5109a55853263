from django.urls import path

from firsthand.networks import oauth_views, public_media, views
from firsthand.networks.facebook import webhook as facebook_webhook
from firsthand.networks.sandbox import views as sandbox_views

app_name = "networks"

urlpatterns = [
    path("w/<slug:slug>/accounts/", views.accounts, name="accounts"),
    path("sandbox/@<str:handle>/<str:remote_id>", sandbox_views.post, name="sandbox_post"),
    path("sandbox/followers/<int:account_pk>-<int:n>", sandbox_views.follower, name="sandbox_follower"),
    path("w/<slug:slug>/accounts/connect/sandbox/", views.connect_sandbox, name="connect_sandbox"),
    path("w/<slug:slug>/accounts/connect/bluesky/", views.connect_bluesky, name="connect_bluesky"),
    path("w/<slug:slug>/accounts/connect/mastodon/", views.connect_mastodon, name="connect_mastodon"),
    path("w/<slug:slug>/accounts/connect/wordpress/", views.connect_wordpress, name="connect_wordpress"),
    path("w/<slug:slug>/accounts/connect/ghost/", views.connect_ghost, name="connect_ghost"),
    path("networks/mastodon/callback/", views.mastodon_callback, name="mastodon_callback"),
    path("w/<slug:slug>/accounts/apps/<str:network>/", oauth_views.app_setup, name="app_setup"),
    path("w/<slug:slug>/accounts/connect/<str:network>/start/", oauth_views.connect, name="oauth_connect"),
    path("networks/<str:network>/callback/", oauth_views.callback, name="oauth_callback"),
    path("networks/facebook/webhook/<id:app_id>/", facebook_webhook.receive, name="facebook_webhook"),
    path(
        "networks/instagram/webhook/<id:app_id>/",
        facebook_webhook.receive,
        {"network": "instagram"},
        name="instagram_webhook",
    ),
    path(
        "networks/threads/webhook/<id:app_id>/",
        facebook_webhook.receive,
        {"network": "threads"},
        name="threads_webhook",
    ),
    path("networks/media/<str:token>/", public_media.serve, name="public_media"),
    path("w/<slug:slug>/accounts/<id:account_id>/", views.update, name="update"),
    path("w/<slug:slug>/accounts/<id:account_id>/disconnect/", views.disconnect, name="disconnect"),
]
