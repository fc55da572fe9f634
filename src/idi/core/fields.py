from django.db import models


class MoneyField(models.DecimalField):
    """CNY to the fen. Money is never a float anywhere in the platform."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)
