from django.urls import path

from firsthand.inbox.views import actions, pages, targets, together

app_name = "inbox"

urlpatterns = [
    path("w/<slug:slug>/inbox/", pages.inbox, name="inbox"),
    path("w/<slug:slug>/inbox/simulate/", actions.simulate, name="simulate"),
    path("w/<slug:slug>/inbox/set-aside/retry/", actions.retry_set_aside, name="retry_set_aside"),
    path("w/<slug:slug>/settings/response-targets/", targets.targets, name="targets"),
    path("w/<slug:slug>/inbox/<id:conversation_id>/", pages.conversation, name="conversation"),
    path("w/<slug:slug>/inbox/answers/<id:answer_id>/<str:decision>/", actions.decide_answer, name="decide_answer"),
    path("w/<slug:slug>/inbox/<id:conversation_id>/ask/", actions.escalate, name="escalate"),
    path(
        "w/<slug:slug>/inbox/<id:conversation_id>/ask/<id:escalation_id>/answer/",
        actions.answer_escalation,
        name="answer_escalation",
    ),
    path("w/<slug:slug>/inbox/<id:conversation_id>/presence/", together.presence, name="presence"),
    path("w/<slug:slug>/inbox/<id:conversation_id>/notes/", together.note, name="note"),
    path("w/<slug:slug>/inbox/<id:conversation_id>/like/<id:item_id>/", together.like, name="like"),
    path("w/<slug:slug>/inbox/<id:conversation_id>/hide/<id:item_id>/", together.hide_item, name="hide_item"),
    path("w/<slug:slug>/inbox/<id:conversation_id>/tags/<str:action>/", together.tag, name="tag"),
    path("w/<slug:slug>/inbox/people/<id:person_id>/", together.person, name="person"),
    path("w/<slug:slug>/inbox/views/", together.save_view, name="save_view"),
    path("w/<slug:slug>/inbox/views/<id:view_id>/delete/", together.delete_view, name="delete_view"),
    path("w/<slug:slug>/inbox/saved-replies/", together.save_reply, name="save_reply"),
    path(
        "w/<slug:slug>/inbox/saved-replies/<id:saved_id>/delete/",
        together.delete_saved_reply,
        name="delete_saved_reply",
    ),
    path("w/<slug:slug>/inbox/<id:conversation_id>/<str:what>/", actions.change, name="change"),
]
