from django.urls import path

from . import views
from .feeds import ProgramChangesFeed

app_name = "timeline"

urlpatterns = [
    path("", views.program_list, name="programs"),
    path("programs/<slug:slug>/", views.program_detail, name="program"),
    path("programs/<slug:slug>/milestones.csv", views.export_csv, name="export_csv"),
    path("programs/<slug:slug>/milestones.json", views.export_json, name="export_json"),
    path("programs/<slug:slug>/calendar.ics", views.export_ics, name="export_ics"),
    path("programs/<slug:slug>/feed.atom", ProgramChangesFeed(), name="feed"),
    path("programs/<slug:slug>/sources/", views.program_sources, name="sources"),
    path("programs/<slug:slug>/milestones/<slug:key>/", views.milestone_detail, name="milestone"),
]
