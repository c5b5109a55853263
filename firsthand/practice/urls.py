from django.urls import path

from firsthand.practice.views import manage, play

app_name = "practice"

urlpatterns = [
    path("w/<slug:slug>/practice/", play.home, name="home"),
    path("w/<slug:slug>/practice/start/", play.start, name="start"),
    path("w/<slug:slug>/practice/runs/<id:run_id>/", play.run, name="run"),
    path("w/<slug:slug>/practice/runs/<id:run_id>/stop/", play.abandon, name="abandon"),
    path("w/<slug:slug>/practice/manage/", manage.manage, name="manage"),
    path("w/<slug:slug>/practice/manage/rules/", manage.rules, name="rules"),
    path("w/<slug:slug>/practice/manage/import/", manage.import_file, name="import"),
    path("w/<slug:slug>/practice/manage/write/", manage.write, name="write"),
    path("w/<slug:slug>/practice/manage/delete/", manage.delete, name="delete"),
    path("w/<slug:slug>/practice/scenarios.yaml", manage.export, name="export"),
]
