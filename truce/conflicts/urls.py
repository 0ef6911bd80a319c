from django.urls import path

from truce.conflicts import views

app_name = "conflicts"

K = "w/<slug:slug>/conflicts/"
ONE = K + "<int:conflict_number>/"

urlpatterns = [
    path(K, views.conflict_list, name="list"),
    path(K + "detect/", views.detect, name="detect"),
    path(K + "new/", views.conflict_new, name="new"),
    path(ONE, views.conflict_detail, name="detail"),
    path(ONE + "edit/", views.conflict_edit, name="edit"),
    path(ONE + "move/", views.conflict_move, name="move"),
    path(ONE + "evidence/", views.evidence_add, name="evidence_add"),
    path(ONE + "evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"),
    path(ONE + "decide/", views.conflict_decide, name="decide"),
    path("w/<slug:slug>/health/", views.health_dashboard, name="health"),
    path("w/<slug:slug>/health/export/", views.health_export, name="health_export"),
]
