"""``{% purpose_options as options %}``: the purposes staff choose from when they export
personal data or unmask an ID number (the configured list, `privacy.purposes`)."""

from django import template

from yimen.privacy.purposes import purpose_choices

register = template.Library()


@register.simple_tag
def purpose_options() -> list[tuple[str, str]]:
    return purpose_choices()
