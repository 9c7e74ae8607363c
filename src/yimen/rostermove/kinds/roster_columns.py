"""The columns of the old roster (花名册) and the words its cells use for relations,
types and registrations, with the codes they stand for."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yimen.assistance.choices import AssistanceType, Relationship

from ..columns import Field

FIELDS = (
    Field("head_id", _("Head's ID number"), ("户主身份证号", "户主身份证号码", "户主公民身份号码")),
    Field("head_name", _("Head of household"), ("户主姓名", "户主"), required=False),
    Field("name", _("Name"), ("成员姓名", "姓名", "家庭成员姓名")),
    Field("id_number", _("ID number"), ("身份证号", "成员身份证号", "身份证号码", "公民身份号码")),
    Field("relation", _("Relation to the head"), ("与户主关系", "关系")),
    Field("type", _("Assistance type"), ("救助类别", "保障类别", "救助类型")),
    Field("amount", _("Monthly amount (yuan)"), ("月保障金额", "月救助金额", "保障金额(元)")),
    Field("start_month", _("Start month"), ("享受起始年月", "起始年月", "纳入保障年月")),
    Field("hukou", _("Urban or rural"), ("城乡类别", "户籍类别", "户口性质")),
    Field("township", _("Township"), ("乡镇(街道)", "乡镇街道", "乡镇"), required=False),
    Field(
        "village", _("Village or community"), ("村(社区)", "村(居)委会", "村社区"), required=False
    ),
    Field("division_code", _("Division code"), ("区划代码", "行政区划代码"), required=False),
    Field("bank", _("Bank"), ("开户银行", "开户行"), required=False),
    Field("account", _("Account number"), ("银行账号", "账号", "一卡通账号"), required=False),
    Field("address", _("Address"), ("家庭住址", "住址"), required=False),
    Field("income", _("Household monthly income"), ("家庭月收入", "家庭月总收入"), required=False),
)

RELATIONS = {
    "户主": Relationship.HEAD,
    "本人": Relationship.HEAD,
    "配偶": Relationship.SPOUSE,
    "妻": Relationship.SPOUSE,
    "妻子": Relationship.SPOUSE,
    "夫": Relationship.SPOUSE,
    "丈夫": Relationship.SPOUSE,
    "子": Relationship.CHILD,
    "女": Relationship.CHILD,
    "儿子": Relationship.CHILD,
    "女儿": Relationship.CHILD,
    "子女": Relationship.CHILD,
    "长子": Relationship.CHILD,
    "次子": Relationship.CHILD,
    "长女": Relationship.CHILD,
    "次女": Relationship.CHILD,
    "父亲": Relationship.PARENT,
    "母亲": Relationship.PARENT,
    "父母": Relationship.PARENT,
    "孙子": Relationship.GRANDCHILD,
    "孙女": Relationship.GRANDCHILD,
    "外孙": Relationship.GRANDCHILD,
    "外孙女": Relationship.GRANDCHILD,
    "孙子女": Relationship.GRANDCHILD,
    "祖父": Relationship.GRANDPARENT,
    "祖母": Relationship.GRANDPARENT,
    "祖父母": Relationship.GRANDPARENT,
    "外祖父": Relationship.GRANDPARENT,
    "外祖母": Relationship.GRANDPARENT,
    "兄弟姐妹": Relationship.SIBLING,
    "兄": Relationship.SIBLING,
    "弟": Relationship.SIBLING,
    "姐": Relationship.SIBLING,
    "妹": Relationship.SIBLING,
    "其他": Relationship.OTHER,
}
TYPES = {
    "低保": AssistanceType.DIBAO,
    "城市低保": AssistanceType.DIBAO,
    "农村低保": AssistanceType.DIBAO,
    "最低生活保障": AssistanceType.DIBAO,
    "特困": AssistanceType.TEKUN,
    "特困供养": AssistanceType.TEKUN,
    "特困人员": AssistanceType.TEKUN,
    "特困人员救助供养": AssistanceType.TEKUN,
    "低收入": AssistanceType.LOW_INCOME,
    "低收入家庭": AssistanceType.LOW_INCOME,
    "低收入人口": AssistanceType.LOW_INCOME,
    "低保边缘": AssistanceType.LOW_INCOME,
}
HUKOU = {
    "城市": "urban",
    "城镇": "urban",
    "非农业": "urban",
    "城市户口": "urban",
    "农村": "rural",
    "农业": "rural",
    "农村户口": "rural",
}
