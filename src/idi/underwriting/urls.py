from django.urls import path

from idi.underwriting import views

app_name = "underwriting"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_create, name="create"),
    path("my-homes/", views.my_homes, name="my_homes"),
    path("notices/", views.notices, name="notices"),
    path(
        "notices/<int:notice_pk>/acknowledge/",
        views.notice_acknowledge,
        name="notice_acknowledge",
    ),
    path("<int:pk>/", views.policy_detail, name="detail"),
    path("<int:pk>/terms/", views.policy_terms, name="terms"),
    path("<int:pk>/shares/", views.policy_shares, name="shares"),
    path(
        "<int:pk>/shares/<int:share_pk>/confirm/",
        views.share_confirm,
        name="share_confirm",
    ),
    path("<int:pk>/quote/", views.policy_quote, name="quote"),
    path("<int:pk>/quote/answer/", views.give_quote, name="give_quote"),
    path("<int:pk>/quote/accept/", views.accept_quote, name="accept_quote"),
    path("<int:pk>/notify/", views.policy_notify, name="notify"),
    path("<int:pk>/payment/", views.policy_payment, name="payment"),
    path("<int:pk>/issue/", views.policy_issue, name="issue"),
    path("<int:pk>/cancel/", views.policy_cancel, name="cancel"),
    path("<int:pk>/deposit/", views.deposit, name="deposit"),
    path("<int:pk>/claims-standards/", views.claims_standards, name="claims_standards"),
    path("<int:pk>/attachments/new/", views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/confirm/",
        views.attachment_confirm,
        name="attachment_confirm",
    ),
    path("<int:pk>/changes/new/", views.change_create, name="change_create"),
    path("<int:pk>/changes/<int:change_pk>/", views.change_detail, name="change_detail"),
    path("<int:pk>/changes/<int:change_pk>/consent/", views.change_consent, name="change_consent"),
    path("<int:pk>/changes/<int:change_pk>/report/", views.change_report, name="change_report"),
    path("<int:pk>/changes/<int:change_pk>/apply/", views.change_apply, name="change_apply"),
    path(
        "<int:pk>/changes/<int:change_pk>/withdraw/",
        views.change_withdraw,
        name="change_withdraw",
    ),
]
