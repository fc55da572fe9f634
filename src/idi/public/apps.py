from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "idi.public"
    label = "public"
    verbose_name = "公众服务 / Public"
