from django.urls import path

from firsthand.publishing.feeds import views as feeds
from firsthand.publishing.shortlinks import views as shortlinks
from firsthand.publishing.views import calendar, compose, library, media, posts, queue, settings, snippets

app_name = "publishing"

urlpatterns = [
    path("l/<str:code>", shortlinks.follow, name="short_link"),
    path("w/<slug:slug>/compose/", compose.compose, name="compose"),
    path("w/<slug:slug>/compose/check/", compose.check, name="check"),
    path("w/<slug:slug>/compose/autosave/", compose.autosave, name="autosave"),
    path("w/<slug:slug>/calendar/", calendar.calendar, name="calendar"),
    path("w/<slug:slug>/media/upload/", media.upload, name="upload"),
    path("w/<slug:slug>/media/<id:media_id>/", media.serve, name="media"),
    path("w/<slug:slug>/library/", library.library_page, name="library"),
    path("w/<slug:slug>/library/<id:media_id>/describe/", library.describe, name="library_describe"),
    path("w/<slug:slug>/library/<id:media_id>/remove/", library.remove, name="library_remove"),
    path("w/<slug:slug>/library/<id:media_id>/pick/", library.pick, name="library_pick"),
    path("w/<slug:slug>/posts/import/", posts.import_csv, name="import"),
    path("w/<slug:slug>/queue-times/", queue.queue_times, name="queue_times"),
    path("w/<slug:slug>/queue-times/<id:account_id>/", queue.set_queue_times, name="set_queue_times"),
    path("w/<slug:slug>/queue-times/<id:account_id>/suggested/", queue.add_suggested_slot, name="add_suggested_slot"),
    path("w/<slug:slug>/settings/links/", settings.link_settings, name="link_settings"),
    path("w/<slug:slug>/settings/feeds/", feeds.feeds, name="feeds"),
    path("w/<slug:slug>/settings/feeds/<id:feed_id>/<str:action>/", feeds.feed_action, name="feed_action"),
    path("w/<slug:slug>/snippets/", snippets.snippet_list, name="snippets"),
    path("w/<slug:slug>/snippets/new/", snippets.snippet_save, name="snippet_add"),
    path("w/<slug:slug>/snippets/<id:snippet_id>/", snippets.snippet_save, name="snippet_change"),
    path("w/<slug:slug>/snippets/<id:snippet_id>/delete/", snippets.snippet_delete, name="snippet_delete"),
    path("w/<slug:slug>/posts/<id:post_id>/", posts.post_detail, name="post"),
    path("w/<slug:slug>/posts/<id:post_id>/edit/", compose.compose, name="edit"),
    path("w/<slug:slug>/posts/<id:post_id>/delete/", posts.delete_draft, name="delete"),
    path("w/<slug:slug>/posts/<id:post_id>/<str:action>/", posts.post_action, name="post_action"),
    path("w/<slug:slug>/deliveries/<id:delivery_id>/<str:action>/", posts.delivery_action, name="delivery_action"),
]
