"""The dated, per-division settings of complaints and re-examination.

No source in the domain notes gives the time a report must be answered in, nor the period
in which a refused or stopped household may ask for a re-examination (policy.md has no
rule on either: NOT FOUND), so both are data here. The nearest division up the tree with a
row in force applies; without any row the code's example values apply, labelled as such
(``rules.DEFAULT_SETTING``), and staff read "示例参数，待确认" next to what they gave."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintSetting(models.Model):
    """Per-division, dated clocks of reports and re-examinations."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    valid_from = models.DateField(_("valid from"))
    answer_working_days = models.PositiveSmallIntegerField(
        _("answer a report within (working days)")
    )
    reexam_request_days = models.PositiveSmallIntegerField(
        _("ask for a re-examination within (days after the decision)")
    )
    example = models.BooleanField(
        _("example value"),
        default=False,
        help_text=_("The values are examples awaiting confirmation by the department."),
    )
    source = models.CharField(_("source"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint setting")
        verbose_name_plural = _("complaint settings")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "valid_from"], name="one_complaint_setting_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(answer_working_days__gte=1, reexam_request_days__gte=1),
                name="complaint_clocks_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.division_id} from {self.valid_from}"
