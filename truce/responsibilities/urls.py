from django.urls import path

from truce.responsibilities import views

app_name = "responsibilities"

urlpatterns = [
    path("w/<slug:slug>/raci/", views.report, name="report"),
    path("w/<slug:slug>/raci/templates/", views.templates, name="templates"),
    path(
        "w/<slug:slug>/raci/templates/<int:activity_id>/",
        views.template_edit,
        name="template_edit",
    ),
    path("w/<slug:slug>/requirements/<int:number>/raci/", views.matrix, name="matrix"),
    path(
        "w/<slug:slug>/requirements/<int:number>/raci/<int:activity_id>/",
        views.row_save,
        name="row",
    ),
]
