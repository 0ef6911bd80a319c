from django.urls import path

from truce.glossary import views

app_name = "glossary"

G = "w/<slug:slug>/glossary/"

urlpatterns = [
    path(G, views.term_list, name="list"),
    path(G + "new/", views.term_new, name="new"),
    path(G + "import-starter/", views.starter_import, name="import_starter"),
    path(G + "suggestions/", views.suggestions, name="suggestions"),
    path(G + "<int:term_id>/", views.term_detail, name="detail"),
    path(G + "<int:term_id>/edit/", views.term_edit, name="edit"),
    path(G + "<int:term_id>/delete/", views.term_delete, name="delete"),
]
