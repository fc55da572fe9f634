"""The operator's admin speaks the page's language: app, model and column names in Chinese, or
in English when asked, never a model's or field's code name and never both languages at once."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

CJK = re.compile(r"[\u3400-\u9fff]")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
LANGUAGES = ["zh-hans", "en"]


def _ours():
    """The models the platform registers, and its accounts (Django's groups and the log-in
    throttle's records come with their own catalogues)."""
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("idi.") or model is get_user_model()
    ]


def _problems(text: str, language: str) -> list[str]:
    text = str(text)
    problems = []
    if SNAKE.search(text):
        problems.append("a code name")
    if " / " in text:
        problems.append("two languages")
    if language == "en" and CJK.search(text):
        problems.append("Chinese in English")
    if language != "en" and not CJK.search(text):
        problems.append("not Chinese")
    return problems


def _labels(model, model_admin) -> dict[str, str]:
    meta = model._meta
    labels = {
        "app": meta.app_config.verbose_name,
        "model": meta.verbose_name,
        "models": meta.verbose_name_plural,
    }
    names = [*model_admin.list_display, *model_admin.list_filter]
    names += [f for f in model_admin.get_fields(_request()) if isinstance(f, str)]
    for name in names:
        labels[name] = label_for_field(name, model, model_admin)
    for inline in model_admin.inlines:
        inline_meta = inline.model._meta
        labels[f"{inline.__name__}.models"] = inline_meta.verbose_name_plural
        for field in inline_meta.fields:
            if field.editable and not field.auto_created:
                labels[f"{inline.__name__}.{field.name}"] = field.verbose_name
    return labels


def _request():
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_staff=True, is_superuser=True)
    return request


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_name_the_admin_shows_is_in_the_page_language(language):
    found = {}
    with translation.override(language):
        for model, model_admin in _ours():
            for where, label in _labels(model, model_admin).items():
                if problems := _problems(label, language):
                    found[f"{model._meta.label}.{where}"] = (str(label), problems)
    assert found == {}


@pytest.fixture
def operator_client(client, db):
    user = get_user_model().objects.create_superuser(username="admin", password="x" * 12)
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_index_and_every_list_render_in_the_page_language(operator_client, language):
    operator_client.cookies["django_language"] = language
    index = operator_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language)
    assert index.status_code == 200
    page = index.content.decode()
    with translation.override(language):
        names = {model: str(model._meta.verbose_name_plural) for model, _admin in _ours()}
    for model, name in names.items():
        assert capfirst(name) in page
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        listing = operator_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert listing.status_code == 200, url
        title = re.search(r"<title>(.*?)</title>", listing.content.decode(), re.S).group(1)
        assert "Django" not in title and not SNAKE.search(title), title
        assert bool(CJK.search(title)) is (language != "en"), title
