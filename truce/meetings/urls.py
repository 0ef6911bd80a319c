from django.urls import path

from truce.meetings import views

app_name = "meetings"

M = "w/<slug:slug>/meetings/"
ONE = M + "<int:meeting_id>/"
D = "w/<slug:slug>/decisions/"
A = "w/<slug:slug>/actions/"

urlpatterns = [
    path(M, views.meeting_list, name="list"),
    path(M + "series/new/", views.series_new, name="series_new"),
    path(M + "series/<int:series_id>/edit/", views.series_edit, name="series_edit"),
    path(ONE, views.meeting_detail, name="meeting"),
    path(ONE + "start/", views.meeting_start, name="start"),
    path(ONE + "finish/", views.meeting_finish, name="finish"),
    path(ONE + "agenda/refresh/", views.agenda_refresh, name="agenda_refresh"),
    path(ONE + "agenda/add/", views.agenda_add, name="agenda_add"),
    path(ONE + "agenda/move/", views.agenda_move, name="agenda_move"),
    path(ONE + "agenda/remove/", views.agenda_remove, name="agenda_remove"),
    path(ONE + "minutes/", views.minutes, name="minutes"),
    path(ONE + "attendance/", views.attendance, name="attendance"),
    path(D, views.decision_list, name="decisions"),
    path(D + "new/", views.decision_new, name="decision_new"),
    path(D + "<int:number>/", views.decision_detail, name="decision"),
    path(A, views.action_list, name="actions"),
    path(A + "new/", views.action_new, name="action_new"),
    path(A + "<int:action_id>/", views.action_detail, name="action"),
    path(A + "<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path(A + "<int:action_id>/status/", views.action_status, name="action_status"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/regenerate/", views.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/<str:feed_token>.ics", views.feed, name="feed"),
]
