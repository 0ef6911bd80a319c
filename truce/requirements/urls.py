from django.urls import path

from truce.requirements import views

app_name = "requirements"

urlpatterns = [
    path("w/<slug:slug>/requirements/", views.requirement_list, name="list"),
    path("w/<slug:slug>/requirements/board/", views.board, name="board"),
    path("w/<slug:slug>/scorecard/", views.scorecard, name="scorecard"),
    path("w/<slug:slug>/requirements/new/", views.requirement_new, name="new"),
    path("w/<slug:slug>/requirements/similar/", views.requirement_similar, name="similar"),
    path("w/<slug:slug>/requirements/bulk-status/", views.bulk_status, name="bulk_status"),
    path("w/<slug:slug>/requirements/<int:number>/", views.requirement_detail, name="detail"),
    path(
        "w/<slug:slug>/requirements/<int:number>/customers/",
        views.requirement_customers,
        name="customers",
    ),
    path("w/<slug:slug>/requirements/<int:number>/edit/", views.requirement_edit, name="edit"),
    path("w/<slug:slug>/requirements/<int:number>/status/", views.requirement_move, name="move"),
    path("w/<slug:slug>/requirements/<int:number>/scores/", views.scores_set, name="scores"),
    path(
        "w/<slug:slug>/requirements/<int:number>/prerequisites/",
        views.prerequisite_add,
        name="prerequisite_add",
    ),
    path(
        "w/<slug:slug>/requirements/<int:number>/prerequisites/<int:prereq>/remove/",
        views.prerequisite_remove,
        name="prerequisite_remove",
    ),
]
