from django.urls import path

from firsthand.notices import views
from firsthand.notices.push import views as push

app_name = "notices"

urlpatterns = [
    path("w/<slug:slug>/notices/", views.notices, name="list"),
    path("w/<slug:slug>/notices/devices/", push.devices, name="devices"),
    path("w/<slug:slug>/notices/devices/subscribe/", push.subscribe, name="subscribe"),
    path("w/<slug:slug>/notices/devices/<id:subscription_id>/", push.save, name="device"),
    path("w/<slug:slug>/notices/devices/<id:subscription_id>/test/", push.test, name="test"),
    path("w/<slug:slug>/notices/devices/<id:subscription_id>/remove/", push.remove, name="remove"),
]
