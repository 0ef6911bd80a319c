from django.urls import path

from truce.resources import views

app_name = "resources"

W = "w/<slug:slug>/"
P = W + "resources/"
C = W + "campaigns/"

urlpatterns = [
    path(P, views.pool_list, name="pools"),
    path(P + "new/", views.pool_new, name="pool_new"),
    path(P + "calendar/", views.calendar, name="calendar"),
    path(P + "<int:pool_id>/", views.pool_detail, name="pool"),
    path(P + "<int:pool_id>/edit/", views.pool_edit, name="pool_edit"),
    path(P + "<int:pool_id>/delete/", views.pool_delete, name="pool_delete"),
    path(P + "<int:pool_id>/capacity/", views.capacity_cell, name="capacity"),
    path(C, views.campaign_list, name="campaigns"),
    path(C + "new/", views.campaign_new, name="campaign_new"),
    path(C + "<int:campaign_number>/", views.campaign_detail, name="campaign"),
    path(C + "<int:campaign_number>/edit/", views.campaign_edit, name="campaign_edit"),
    path(C + "<int:campaign_number>/status/", views.campaign_move, name="campaign_move"),
    path(C + "<int:campaign_number>/delete/", views.campaign_delete, name="campaign_delete"),
    path(
        C + "<int:campaign_number>/demands/",
        views.campaign_demand_add,
        name="campaign_demand_add",
    ),
    path(
        W + "requirements/<int:number>/demands/",
        views.requirement_demands,
        name="requirement_demands",
    ),
    path(
        W + "requirements/<int:number>/demands/suggest/",
        views.requirement_demand_suggest,
        name="requirement_demand_suggest",
    ),
    path(W + "demands/<int:demand_id>/", views.demand_edit, name="demand_edit"),
    path(W + "demands/<int:demand_id>/remove/", views.demand_remove, name="demand_remove"),
]
