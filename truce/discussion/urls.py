from django.urls import path

from truce.discussion import views

app_name = "discussion"

W = "w/<slug:slug>/"

urlpatterns = [
    path(
        W + "comments/<slug:subject_type>/<int:subject_key>/",
        views.comment_create,
        name="comment_create",
    ),
    path(W + "thread/<slug:subject_type>/<int:subject_key>/", views.thread, name="thread"),
    path(W + "comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path(W + "comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path(W + "follow/<slug:subject_type>/<int:subject_key>/", views.follow, name="follow"),
    path(W + "mention-suggestions/", views.mention_suggestions, name="mention_suggestions"),
    path(W + "activity/", views.activity, name="activity"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:notification_id>/read/", views.notification_read, name="read"),
    path("inbox/read-all/", views.notifications_read_all, name="read_all"),
    path("inbox/preferences/", views.preferences, name="preferences"),
]
