from django.urls import path

from truce.interop import views

app_name = "interop"

W = "w/<slug:slug>/"
I = W + "interop/"  # noqa: E741

urlpatterns = [
    path(I, views.home, name="home"),
    path(I + "imports/", views.import_upload, name="import_upload"),
    path(I + "imports/<int:job_id>/", views.import_job, name="import_job"),
    path(I + "imports/<int:job_id>/run/", views.import_run, name="import_run"),
    path(I + "imports/<int:job_id>/status/", views.import_status, name="import_status"),
    path(I + "imports/<int:job_id>/retry/", views.import_retry, name="import_retry"),
    path(I + "templates/<str:data_kind>.<str:file_format>", views.template, name="template"),
    path(I + "backup/", views.backup, name="backup"),
    path(I + "restore/", views.restore, name="restore"),
    path(I + "restores/<int:restore_id>/", views.restore_job, name="restore_job"),
    path(I + "restores/<int:restore_id>/retry/", views.restore_retry, name="restore_retry"),
    path(W + "export/<str:data_kind>/", views.export, name="export"),
]
