from django.urls import path

from idi.fund import views

app_name = "fund"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("reports/<int:year>-<int:month>/", views.monthly_report, name="monthly"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/contribution/", views.contribution, name="contribution"),
    path("projects/<int:pk>/replenishment/", views.replenishment, name="replenishment"),
    path("projects/<int:pk>/cases/new/", views.case_open, name="case_open"),
    path("transfers/new/", views.transfer, name="transfer"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="reverse"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/<str:action>/", views.request_act, name="request_act"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/decide/", views.case_form, {"action": "decide"}, name="case_decide"),
    path("cases/<int:pk>/pay/", views.case_form, {"action": "pay"}, name="case_pay"),
    path("cases/<int:pk>/evidence/", views.case_form, {"action": "evidence"}, name="case_evidence"),
    path(
        "cases/<int:pk>/deduction/", views.case_form, {"action": "deduction"}, name="case_deduction"
    ),
]
