from django.urls import path

from firsthand.notices import views

app_name = "notices"

urlpatterns = [path("w/<slug:slug>/notices/", views.notices, name="list")]
