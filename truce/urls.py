from django.urls import include, path

from truce.accounts import views as account_views
from truce.api.api import api
from truce.core import views as core_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("language/", core_views.set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("truce.accounts.urls")),
    path("", include("truce.requirements.urls")),
    path("", include("truce.customers.urls")),
    path("", include("truce.responsibilities.urls")),
    path("", include("truce.goals.urls")),
    path("", include("truce.discussion.urls")),
    path("", include("truce.integrations.urls")),
    path("", include("truce.glossary.urls")),
    path("", include("truce.meetings.urls")),
    path("", include("truce.resources.urls")),
    path("", include("truce.planning.urls")),
    path("", include("truce.interop.urls")),
    path("", include("truce.launches.urls")),
    path("", include("truce.conflicts.urls")),
]

handler400 = "truce.core.views.error_400"
handler403 = "truce.core.views.error_403"
handler404 = "truce.core.views.error_404"
handler500 = "truce.core.views.error_500"
