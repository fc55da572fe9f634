from django.urls import path

from idi.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path(
        "<int:pk>/planning-permits/new/",
        views.planning_permit_create,
        name="planning_permit_create",
    ),
    path("<int:pk>/permits/new/", views.permit_create, name="permit_create"),
    path("<int:pk>/buildings/new/", views.building_create, name="building_create"),
    path("<int:pk>/units/new/", views.unit_create, name="unit_create"),
    path("<int:pk>/participants/new/", views.participant_create, name="participant_create"),
    path("<int:pk>/import/", views.import_upload, name="import"),
    path("<int:pk>/import/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/export/", views.export_units, name="export"),
    path("import-jobs/<int:pk>/", views.import_job, name="import_job"),
    path("import-jobs/<int:pk>/confirm/", views.import_job_confirm, name="import_job_confirm"),
    path("permits/<int:pk>/issue/", views.permit_issue, name="permit_issue"),
    path("permits/<int:pk>/start/", views.permit_start, name="permit_start"),
    path("permits/<int:pk>/completion/", views.permit_completion, name="permit_completion"),
    path("buildings/<int:pk>/delivery/", views.building_delivery, name="building_delivery"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/sale/", views.sale_create, name="sale_create"),
]
