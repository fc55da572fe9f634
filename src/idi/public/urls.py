from django.urls import path

from idi.public import views

urlpatterns = [
    path("", views.home, name="home"),
    path("coverage/", views.coverage_check, name="coverage_check"),
]
