from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldcryptConfig(AppConfig):
    name = "yimen.fieldcrypt"
    label = "fieldcrypt"
    verbose_name = _("Field encryption")
