from django.urls import include, path, register_converter

from firsthand.api.rest import api
from firsthand.system.views import healthz
from firsthand.web.params import IdConverter

register_converter(IdConverter, "id")  # before the apps' patterns below use it

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("firsthand.team.urls")),
    path("", include("firsthand.publishing.urls")),
    path("", include("firsthand.networks.urls")),
    path("", include("firsthand.notices.urls")),
    path("", include("firsthand.guard.urls")),
    path("", include("firsthand.inbox.urls")),
    path("", include("firsthand.insights.urls")),
    path("api/v1/", api.urls),  # django-ninja's own namespace ("rest"), so at the top level
    path("", include("firsthand.api.urls")),
    path("", include("firsthand.web.urls")),
]

handler403 = "firsthand.web.views.permission_denied"
handler404 = "firsthand.web.views.page_not_found"
handler500 = "firsthand.web.views.server_error"
