from django.urls import path

from firsthand.guard import approval_views, views

app_name = "guard"

urlpatterns = [
    path("w/<slug:slug>/pause/", views.pause, name="pause"),
    path("w/<slug:slug>/pause/<id:pause_id>/resume/", views.resume, name="resume"),
    path("w/<slug:slug>/settings/brand-rules/", views.brand_rules, name="brand_rules"),
    path("w/<slug:slug>/approvals/", approval_views.queue, name="approvals"),
    path("w/<slug:slug>/approvals/<id:post_id>/<str:decision>/", approval_views.decide, name="decide"),
]
