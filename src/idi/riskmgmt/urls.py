from django.urls import path

from idi.riskmgmt import views

app_name = "riskmgmt"

urlpatterns = [
    path("", views.oversight, name="oversight"),
    path("projects/<int:pk>/defects/", views.board, name="board"),
    path("defects/<int:pk>/", views.defect_detail, name="defect"),
    path("defects/<int:pk>/<str:action>/", views.defect_action, name="defect_action"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement"),
    path("engagements/<int:pk>/kickoff/", views.kickoff, name="kickoff"),
    path("engagements/<int:pk>/plan/", views.plan, name="plan"),
    path(
        "engagements/<int:pk>/inspections/new/", views.inspection_create, name="inspection_create"
    ),
    path("engagements/<int:pk>/final-report/<str:step>/", views.final_report, name="final_report"),
    path("engagements/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("policies/<int:pk>/engage/", views.appoint, name="appoint"),
    path("permits/<int:pk>/joint-inspection/", views.joint_inspection, name="joint_inspection"),
]
