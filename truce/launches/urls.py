from django.urls import path

from truce.launches import views

app_name = "launches"

L = "w/<slug:slug>/launches/"
ONE = L + "<int:launch_number>/"

urlpatterns = [
    path(L, views.launch_list, name="list"),
    path(L + "timeline/", views.timeline, name="timeline"),
    path(L + "new/", views.launch_new, name="new"),
    path(ONE, views.launch_detail, name="detail"),
    path(ONE + "edit/", views.launch_edit, name="edit"),
    path(ONE + "move/", views.launch_move, name="move"),
    path(ONE + "milestones/", views.milestone_add, name="milestone_add"),
    path(ONE + "milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path(
        ONE + "milestones/<int:milestone_id>/delete/",
        views.milestone_delete,
        name="milestone_delete",
    ),
    path(ONE + "checklist/apply/", views.checklist_apply, name="checklist_apply"),
    path(ONE + "checklist/", views.item_add, name="item_add"),
    path(ONE + "checklist/<int:check_id>/toggle/", views.item_toggle, name="item_toggle"),
    path(ONE + "checklist/<int:check_id>/delete/", views.item_delete, name="item_delete"),
    path(ONE + "vote/", views.vote, name="vote"),
    path(ONE + "review/", views.review, name="review"),
]
