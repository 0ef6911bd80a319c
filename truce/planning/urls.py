from django.urls import path

from truce.planning import views

app_name = "planning"

P = "w/<slug:slug>/planning/"

urlpatterns = [
    path(P, views.scenario_list, name="scenarios"),
    path(P + "new/", views.scenario_new, name="scenario_new"),
    path(P + "compare/", views.compare, name="compare"),
    path(P + "<int:scenario_id>/", views.scenario_detail, name="scenario"),
    path(P + "<int:scenario_id>/edit/", views.scenario_edit, name="scenario_edit"),
    path(P + "<int:scenario_id>/delete/", views.scenario_delete, name="scenario_delete"),
    path(P + "<int:scenario_id>/run/", views.run_start, name="run_start"),
    path(P + "runs/<int:run_id>/", views.run_detail, name="run"),
    path(P + "runs/<int:run_id>/why/<str:item_key>/", views.explain, name="explain"),
    path(P + "runs/<int:run_id>/adopt/", views.adopt, name="adopt"),
    path(P + "runs/<int:run_id>/publish/", views.publish, name="publish"),
    path(P + "plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path(P + "plans/<int:plan_id>/sign/", views.plan_sign, name="plan_sign"),
]
