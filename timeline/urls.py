from django.urls import path

from . import views

app_name = "timeline"

urlpatterns = [
    path("", views.program_list, name="programs"),
    path("programs/<slug:slug>/", views.program_detail, name="program"),
    path("programs/<slug:slug>/milestones/<slug:key>/", views.milestone_detail, name="milestone"),
]
