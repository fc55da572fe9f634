from django.urls import path

from idi.parties import views

app_name = "parties"

urlpatterns = [
    path("accounts/activate/", views.activate, name="activate"),
    path("orgs/", views.org_list, name="org_list"),
    path("orgs/new/", views.org_create, name="org_create"),
    path("orgs/mine/", views.my_org, name="my_org"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("orgs/<int:pk>/edit/", views.org_edit, name="org_edit"),
    path("orgs/<int:pk>/members/new/", views.member_create, name="member_create"),
    path(
        "orgs/<int:pk>/qualifications/new/",
        views.qualification_create,
        name="qualification_create",
    ),
    path(
        "orgs/<int:pk>/relationships/new/",
        views.relationship_create,
        name="relationship_create",
    ),
]
