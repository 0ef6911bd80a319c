from django.urls import path

from truce.integrations import views

app_name = "integrations"

P = "w/<slug:slug>/integrations/"

urlpatterns = [
    path(P, views.endpoint_list, name="endpoints"),
    path(P + "new/", views.endpoint_new, name="endpoint_new"),
    path(P + "<int:endpoint_id>/", views.endpoint_detail, name="endpoint"),
    path(P + "<int:endpoint_id>/edit/", views.endpoint_edit, name="endpoint_edit"),
    path(P + "<int:endpoint_id>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path(P + "<int:endpoint_id>/test/", views.endpoint_test, name="endpoint_test"),
    path(
        P + "deliveries/<int:delivery_id>/redeliver/",
        views.delivery_redeliver,
        name="redeliver",
    ),
]
