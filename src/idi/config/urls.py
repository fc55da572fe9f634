from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from idi.config.api import api
from idi.core import views as core_views
from idi.core.middleware import API_PREFIX

# The operator's admin carries the platform's name in the page's language, not Django's.
admin.site.site_header = _("住宅工程质量潜在缺陷保险信息平台")
admin.site.site_title = _("住宅工程质量潜在缺陷保险信息平台")
admin.site.index_title = _("运营管理")

urlpatterns = [
    path("", include("idi.public.urls")),
    path("", include("idi.parties.urls")),
    path("workspace/", core_views.workspace, name="workspace"),
    path("projects/", include("idi.projects.urls")),
    path("policies/", include("idi.underwriting.urls")),
    path("riskmgmt/", include("idi.riskmgmt.urls")),
    path("claims/", include("idi.claims.urls")),
    path("inbox/", include("idi.notifications.urls")),
    path("fund/", include("idi.fund.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever the page says; base.html links the SVG.
    path("favicon.ico", RedirectView.as_view(url=static("idi/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path(API_PREFIX.removeprefix("/"), api.urls),
]
