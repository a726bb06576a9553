from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request):
    return redirect(static("timeline/favicon.svg"), permanent=True)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon),
    path("", include("timeline.urls")),
]

handler500 = "timeline.errors.server_error"
