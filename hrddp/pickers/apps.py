from django.apps import AppConfig


class PickersConfig(AppConfig):
    name = "hrddp.pickers"
    label = "pickers"
