from django.urls import path

from truce.customers import views

app_name = "customers"

FEEDBACK = "w/<slug:slug>/feedback/<int:feedback_id>/"

urlpatterns = [
    path("w/<slug:slug>/customers/", views.customer_list, name="list"),
    path("w/<slug:slug>/customers/new/", views.customer_new, name="new"),
    path("w/<slug:slug>/customers/segments/", views.segment_settings, name="segments"),
    path("w/<slug:slug>/customers/<int:customer_id>/", views.customer_detail, name="detail"),
    path(
        "w/<slug:slug>/customers/<int:customer_id>/delete/",
        views.customer_delete,
        name="delete",
    ),
    path("w/<slug:slug>/feedback/", views.feedback_inbox, name="feedback"),
    path("w/<slug:slug>/feedback/new/", views.feedback_new, name="feedback_new"),
    path(FEEDBACK, views.feedback_detail, name="feedback_detail"),
    path(FEEDBACK + "link/", views.feedback_link, name="feedback_link"),
    path(FEEDBACK + "unlink/", views.feedback_unlink, name="feedback_unlink"),
    path(FEEDBACK + "dismiss/", views.feedback_dismiss, name="feedback_dismiss"),
    path(
        FEEDBACK + "create-requirement/",
        views.feedback_create_requirement,
        name="feedback_create_requirement",
    ),
]
