"""Demo data of the core app: the platform operator's log-in."""

from django.contrib.auth import get_user_model


def load(*, password: str) -> list[tuple[str, str]]:
    user_model = get_user_model()
    operator, created = user_model.objects.get_or_create(
        username="operator",
        defaults={"is_staff": True, "is_superuser": True, "first_name": "平台运营"},
    )
    if created:
        operator.set_password(password)
        operator.save()
    return [("operator", "平台运营（管理后台 /admin/） / platform operator")]
