from django.urls import path

from idi.public import rule_pages, views

urlpatterns = [
    path("", views.home, name="home"),
    path("coverage/", views.coverage_check, name="coverage_check"),
    path("rules/", rule_pages.rule_index, name="rules"),
    path("rules/<str:rule_id>/", rule_pages.rule_page, name="rule"),
]
