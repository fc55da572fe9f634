from django.urls import path

from idi.claims import views

app_name = "claims"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/", views.file_claim, name="file"),
    path("queue/", views.queue, name="queue"),
    path("oversight/", views.oversight, name="oversight"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("notice/<int:unit_pk>/", views.notice, name="notice"),
    path("notice/<int:unit_pk>/confirm/", views.confirm_notice, name="notice_confirm"),
]
