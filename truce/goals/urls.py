from django.urls import path

from truce.goals import views

app_name = "goals"

G = "w/<slug:slug>/goals/"

urlpatterns = [
    path(G, views.period_list, name="periods"),
    path(G + "new/", views.period_new, name="period_new"),
    path(G + "settings/", views.goal_settings, name="settings"),
    path(G + "<int:period_id>/", views.period_detail, name="period"),
    path(G + "<int:period_id>/sign/", views.period_sign, name="sign"),
    path(G + "<int:period_id>/alignment/", views.alignment, name="alignment"),
    path(G + "<int:period_id>/objectives/new/", views.objective_new, name="objective_new"),
    path(G + "objectives/<int:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path(
        G + "objectives/<int:objective_id>/key-results/new/",
        views.key_result_new,
        name="key_result_new",
    ),
    path(G + "key-results/<int:kr_id>/", views.key_result_detail, name="key_result"),
    path(G + "key-results/<int:kr_id>/edit/", views.key_result_edit, name="key_result_edit"),
    path(G + "key-results/<int:kr_id>/check-in/", views.check_in, name="check_in"),
    path(G + "key-results/<int:kr_id>/links/", views.link_add, name="link_add"),
    path(
        G + "key-results/<int:kr_id>/links/<int:number>/remove/",
        views.link_remove,
        name="link_remove",
    ),
]
