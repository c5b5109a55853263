from django.urls import path

from firsthand.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("w/<slug:slug>/settings/webhooks/", views.webhooks, name="webhooks"),
    path("w/<slug:slug>/settings/webhooks/<id:endpoint_id>/", views.endpoint, name="endpoint"),
    path("w/<slug:slug>/settings/webhooks/<id:endpoint_id>/test/", views.send_test, name="test"),
    path("w/<slug:slug>/settings/webhooks/<id:endpoint_id>/delete/", views.delete, name="delete"),
    path(
        "w/<slug:slug>/settings/webhooks/deliveries/<id:webhook_delivery_id>/redeliver/",
        views.redeliver,
        name="redeliver",
    ),
]
