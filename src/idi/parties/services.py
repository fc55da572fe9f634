"""Every write to the registry of parties, one function per business action.

Each runs in one transaction, checks who acts, refuses bad input with a `RuleViolation` naming
the field, and records one audit event (RULES.md R-O3). Owners' identity numbers never enter
the audit log in full: the log is read by more people than may see them.
"""

import hashlib
import secrets
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from idi.core import audit, clock
from idi.core.errors import Forbidden, RuleViolation
from idi.core.formats import in_language
from idi.core.permissions import Actor
from idi.parties.codes import AuditAction, Code
from idi.parties.models import (
    District,
    InsurerQualification,
    Organisation,
    OrganisationRelationship,
    OrgType,
    Profile,
    RelationshipKind,
    Role,
)
from idi.parties.privacy import mask_id_number, mask_phone
from idi.parties.selectors import actor_for_user
from idi.parties.validators import (
    Problem,
    id_number_problem,
    mobile_problem,
    normalise_id_number,
    person_name_problem,
    uscc_problem,
)

# The roles a member of each kind of organisation may hold; "owner" belongs to no organisation.
ROLES_BY_ORG_TYPE: dict[str, frozenset[str]] = {
    OrgType.DEVELOPER: frozenset({Role.ORG_ADMIN, Role.STAFF}),
    OrgType.INSURER: frozenset({Role.ORG_ADMIN, Role.STAFF, Role.UNDERWRITER, Role.CLAIMS_HANDLER}),
    OrgType.RMA: frozenset({Role.ORG_ADMIN, Role.STAFF, Role.INSPECTOR}),
    OrgType.CONTRACTOR: frozenset({Role.ORG_ADMIN, Role.STAFF}),
    OrgType.SUPERVISOR: frozenset({Role.ORG_ADMIN, Role.STAFF}),
    OrgType.DESIGNER: frozenset({Role.ORG_ADMIN, Role.STAFF}),
    OrgType.SURVEYOR: frozenset({Role.ORG_ADMIN, Role.STAFF}),
    OrgType.MATERIAL_SUPPLIER: frozenset({Role.ORG_ADMIN, Role.STAFF}),
    OrgType.APPRAISER: frozenset({Role.ORG_ADMIN, Role.STAFF}),
    OrgType.GUARANTEE_INSTITUTION: frozenset({Role.ORG_ADMIN, Role.STAFF, Role.FUND_MANAGER}),
    OrgType.REGULATOR: frozenset({Role.ORG_ADMIN, Role.STAFF, Role.REGULATOR}),
}
# Above this a solvency ratio (a fraction: 1.5 = 150%) is a typing error, not a figure.
MAX_SOLVENCY_RATIO = Decimal("100")


def _violation(code: Code, field: str, zh: str, en: str) -> RuleViolation:
    return RuleViolation(rule=None, field=field, code=code, message=zh, message_en=en)


def _problem(field: str, label_zh: str, label_en: str, problem: Problem) -> RuleViolation:
    """A validator's problem, prefixed with the field's name."""
    zh, en = problem
    return _violation(Code.INVALID, field, f"{label_zh}{zh}", f"{label_en} {en}")


def _require_operator(actor: Actor, *, zh: str, en: str) -> None:
    if not actor.is_operator:
        raise Forbidden(f"仅平台运营方可{zh}", f"only the platform operator may {en}")


def _require_org_admin(actor: Actor, organisation: Organisation, *, zh: str, en: str) -> None:
    """The operator, or an administrator of this very organisation."""
    if actor.is_operator:
        return
    if actor.organisation_id == organisation.pk and actor.has_role(Role.ORG_ADMIN):
        return
    raise Forbidden(
        f"仅平台运营方或本单位管理员可{zh}",
        f"only the operator or the organisation's administrator may {en}",
    )


def _organisation_state(org: Organisation) -> dict:
    return {
        "name": org.name,
        "org_type": org.org_type,
        "uscc": org.uscc,
        "district": org.district,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "address": org.address,
    }


def _clean_district(*, org_type: str, district: str) -> str:
    if district and district not in District.values:
        raise _violation(
            Code.INVALID_CHOICE, "district", f"区县 {district} 无效", f"unknown district {district}"
        )
    if org_type == OrgType.REGULATOR and not district:
        raise _violation(
            Code.REQUIRED,
            "district",
            "建设行政主管部门须指明管辖的区县或市级",
            "a regulator needs its district or the city level",
        )
    return district


@transaction.atomic
def register_organisation(
    *,
    actor: Actor,
    name: str,
    org_type: str,
    uscc: str,
    district: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
) -> Organisation:
    """登记单位: the operator registers a party of the scheme under its credit code."""
    _require_operator(actor, zh="登记单位", en="register an organisation")
    name = name.strip()
    uscc = uscc.strip().upper()
    if not name:
        raise _violation(Code.REQUIRED, "name", "单位名称不能为空", "the name is required")
    if org_type not in OrgType.values:
        raise _violation(
            Code.INVALID_CHOICE, "org_type", f"单位类型 {org_type} 无效", f"unknown type {org_type}"
        )
    problem = uscc_problem(uscc)
    if problem:
        raise _problem("uscc", "统一社会信用代码", "credit code:", problem)
    district = _clean_district(org_type=org_type, district=district.strip())
    problem = person_name_problem(contact_name.strip())
    if problem:
        raise _problem("contact_name", "联系人", "contact name:", problem)
    if Organisation.objects.filter(uscc=uscc).exists():
        raise _violation(
            Code.ALREADY_EXISTS,
            "uscc",
            f"统一社会信用代码 {uscc} 已登记",
            f"credit code {uscc} is already registered",
        )
    org = Organisation.objects.create(
        name=name,
        org_type=org_type,
        uscc=uscc,
        district=district,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        address=address.strip(),
        created_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.REGISTER_ORGANISATION,
        obj=org,
        after=_organisation_state(org),
    )
    return org


# What the organisation's own administrator may change; name and district are the operator's.
SELF_EDITABLE = frozenset({"contact_name", "contact_phone", "address"})


@transaction.atomic
def update_organisation(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str | None = None,
    district: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    address: str | None = None,
) -> Organisation:
    """修改单位信息: None leaves a field as it is. The credit code and type never change."""
    _require_org_admin(actor, organisation, zh="修改单位信息", en="edit the organisation")
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changes = {
        key: value.strip()
        for key, value in {
            "name": name,
            "district": district,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "address": address,
        }.items()
        if value is not None and value.strip() != getattr(org, key)
    }
    if not actor.is_operator and set(changes) - SELF_EDITABLE:
        raise Forbidden(
            "单位名称和所属区县仅可由平台运营方修改",
            "only the operator may change the name or the district",
        )
    if "name" in changes and not changes["name"]:
        raise _violation(Code.REQUIRED, "name", "单位名称不能为空", "the name is required")
    if "district" in changes:
        _clean_district(org_type=org.org_type, district=changes["district"])
    problem = person_name_problem(changes.get("contact_name", ""))
    if problem:
        raise _problem("contact_name", "联系人", "contact name:", problem)
    if not changes:
        return org
    before = _organisation_state(org)
    for key, value in changes.items():
        setattr(org, key, value)
    org.save(update_fields=list(changes))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE_ORGANISATION,
        obj=org,
        before=before,
        after=_organisation_state(org),
    )
    return org


def _qualification_state(q: InsurerQualification) -> dict:
    return {
        "insurer": q.insurer_id,
        "year": q.year,
        "registered_capital": q.registered_capital,
        "solvency_ratio": q.solvency_ratio,
        "has_quality_department": q.has_quality_department,
        "has_idi_lead_experience": q.has_idi_lead_experience,
    }


def _decimal(field: str, value, *, zh: str, en: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _violation(Code.INVALID, field, f"{zh}应为数字", f"{en} must be a number") from None
    if not number.is_finite() or number < 0:
        raise _violation(Code.OUT_OF_RANGE, field, f"{zh}不能为负数", f"{en} must not be negative")
    return number


@transaction.atomic
def record_qualification(
    *,
    actor: Actor,
    insurer: Organisation,
    year: int,
    registered_capital: Decimal,
    solvency_ratio: Decimal,
    has_quality_department: bool,
    has_idi_lead_experience: bool,
) -> InsurerQualification:
    """登记年度资质 (G 2.1, R-U6): one row per insurer and year; a second entry corrects it.

    `solvency_ratio` is a fraction (1.5 = 150%), as the rulebook reads it.
    """
    _require_org_admin(actor, insurer, zh="登记保险公司资质", en="record qualifications")
    if insurer.org_type != OrgType.INSURER:
        raise _violation(
            Code.WRONG_PARTY,
            "insurer",
            "只有保险公司登记承保资质",
            "only insurers have qualifications",
        )
    if not 2000 <= year <= clock.today().year:
        raise _violation(
            Code.OUT_OF_RANGE, "year", f"年度 {year} 无效", f"year {year} is not valid"
        )
    capital = _decimal("registered_capital", registered_capital, zh="注册资本金", en="capital")
    ratio = _decimal("solvency_ratio", solvency_ratio, zh="偿付能力充足率", en="solvency ratio")
    if ratio > MAX_SOLVENCY_RATIO:
        raise _violation(
            Code.OUT_OF_RANGE,
            "solvency_ratio",
            "偿付能力充足率按比例填写（150% 填 1.5）",
            "give the solvency ratio as a fraction (150% is 1.5)",
        )
    existing = (
        InsurerQualification.objects.select_for_update().filter(insurer=insurer, year=year).first()
    )
    before = _qualification_state(existing) if existing else None
    qualification = existing or InsurerQualification(insurer=insurer, year=year)
    qualification.registered_capital = capital.quantize(Decimal("0.01"))
    qualification.solvency_ratio = ratio.quantize(Decimal("0.0001"))
    qualification.has_quality_department = bool(has_quality_department)
    qualification.has_idi_lead_experience = bool(has_idi_lead_experience)
    qualification.save()
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_QUALIFICATION,
        obj=qualification,
        before=before,
        after=_qualification_state(qualification),
    )
    return qualification


def may_declare_relationship(*, actor: Actor, from_org: Organisation, to_org_uscc: str) -> None:
    """The operator, or an administrator of either organisation. Checked before the credit code
    is looked up, so that whoever may not declare cannot learn which codes are registered."""
    if actor.is_operator:
        return
    if actor.has_role(Role.ORG_ADMIN) and actor.organisation_id is not None:
        if actor.organisation_id == from_org.pk:
            return
        own = Organisation.objects.filter(
            pk=actor.organisation_id, uscc=to_org_uscc.strip().upper()
        )
        if own.exists():
            return
    raise Forbidden(
        "仅平台运营方或相关单位管理员可申报关联关系",
        "only the operator or an administrator of either organisation may declare a relationship",
    )


@transaction.atomic
def declare_relationship(
    *,
    actor: Actor,
    from_org: Organisation,
    to_org: Organisation,
    kind: str,
    note: str = "",
) -> OrganisationRelationship:
    """申报关联关系: read when an RMA is appointed (R-R2 independence)."""
    may_declare_relationship(actor=actor, from_org=from_org, to_org_uscc=to_org.uscc)
    if kind not in RelationshipKind.values:
        raise _violation(
            Code.INVALID_CHOICE, "kind", f"关系类型 {kind} 无效", f"unknown relationship {kind}"
        )
    if from_org.pk == to_org.pk:
        raise _violation(
            Code.INVALID,
            "to_org",
            "不能申报与本单位自身的关系",
            "an organisation is not related to itself",
        )
    if OrganisationRelationship.objects.filter(
        from_org=from_org, to_org=to_org, kind=kind
    ).exists():
        raise _violation(
            Code.ALREADY_EXISTS, "kind", "该关联关系已申报", "this relationship is already declared"
        )
    relationship = OrganisationRelationship.objects.create(
        from_org=from_org, to_org=to_org, kind=kind, note=note.strip(), declared_at=clock.now()
    )
    audit.record(
        actor=actor,
        action=AuditAction.DECLARE_RELATIONSHIP,
        obj=relationship,
        after={
            "from_org": from_org.pk,
            "to_org": to_org.pk,
            "kind": kind,
            "note": relationship.note,
        },
    )
    return relationship


def _clean_username(username: str) -> str:
    username = username.strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise _violation(
            Code.INVALID,
            "username",
            "用户名只能包含字母、数字和 @ . + - _ 这几个符号，请修改后再提交",
            "a username may contain only letters, digits and the signs @ . + - _; change it and "
            "try again",
        ) from None
    if not username or len(username) > 150:
        raise _violation(
            Code.OUT_OF_RANGE,
            "username",
            "用户名应为 1 到 150 个字符",
            "a username has 1 to 150 characters",
        )
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise _violation(
            Code.ALREADY_EXISTS,
            "username",
            f"用户名 {username} 已被使用",
            f"username {username} is taken",
        )
    return username


def _role_labels(roles: list[str], language: str) -> str:
    separator = ", " if language == "en" else "、"
    return separator.join(
        in_language(Role(r).label, language) if r in Role.values else r for r in roles
    )


def _set_password(user, password: str | None) -> None:
    """Argon2 (settings.PASSWORD_HASHERS); None leaves the account without a usable password."""
    if password is None:
        user.set_unusable_password()
        return
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise _violation(
            Code.WEAK_PASSWORD,
            "password",
            "密码不符合要求：" + " ".join(exc.messages),
            "weak password: " + " ".join(exc.messages),
        ) from None
    user.set_password(password)


@transaction.atomic
def create_user(
    *,
    actor: Actor,
    organisation: Organisation,
    username: str,
    password: str | None,
    roles: list[str],
    real_name: str = "",
    phone: str = "",
    email: str = "",
):
    """开设账号: a member of an organisation with its roles (owners: `register_owner`)."""
    _require_org_admin(actor, organisation, zh="开设本单位账号", en="add members")
    allowed = ROLES_BY_ORG_TYPE[organisation.org_type]
    if not roles:
        raise _violation(Code.REQUIRED, "roles", "至少选择一个角色", "choose at least one role")
    wrong = sorted(set(roles) - allowed)
    if wrong:
        raise _violation(
            Code.WRONG_PARTY,
            "roles",
            f"角色“{_role_labels(wrong, 'zh-hans')}”不适用于"
            f"{in_language(OrgType(organisation.org_type).label, 'zh-hans')}，"
            "请只选择本单位类型可用的角色",
            f"the role(s) {_role_labels(wrong, 'en')} do not fit "
            f"{in_language(OrgType(organisation.org_type).label, 'en').lower()}s; choose only "
            "the roles its kind of organisation has",
        )
    problem = person_name_problem(real_name.strip())
    if problem:
        raise _problem("real_name", "姓名", "name:", problem)
    user = get_user_model()(
        username=_clean_username(username), first_name=real_name.strip(), email=email.strip()
    )
    _set_password(user, password)
    user.save()
    Profile.objects.create(
        user=user,
        organisation=organisation,
        roles=sorted(set(roles)),
        real_name=real_name.strip(),
        phone=phone.strip(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE_USER,
        obj=user,
        after={"username": user.username, "organisation": organisation.pk, "roles": sorted(roles)},
    )
    return user


def may_register_owners(actor: Actor) -> bool:
    """Developers register the buyers of their units; the operator anyone."""
    return actor.is_operator or (
        actor.organisation_type == OrgType.DEVELOPER and actor.has_role(Role.ORG_ADMIN, Role.STAFF)
    )


def clean_owner_identity(*, real_name: str, id_number: str, phone: str) -> tuple[str, str, str]:
    """An owner's name, ID number and mobile number, or a RuleViolation naming the bad one."""
    real_name = real_name.strip()
    id_number = normalise_id_number(id_number)
    phone = phone.strip()
    if not real_name:
        raise _violation(
            Code.REQUIRED, "real_name", "业主姓名不能为空", "the owner's name is required"
        )
    problem = person_name_problem(real_name)
    if problem:
        raise _problem("real_name", "业主姓名", "owner's name:", problem)
    problem = id_number_problem(id_number)
    if problem:
        raise _problem("id_number", "身份证号", "ID number:", problem)
    problem = mobile_problem(phone)
    if problem:
        raise _problem("phone", "手机号", "phone:", problem)
    return real_name, id_number, phone


def new_owner_username() -> str:
    """A log-in name that says nothing about the person (never derived from the ID number)."""
    return f"owner_{secrets.token_hex(8)}"


def owner_audit_state(*, username: str, real_name: str, id_number: str, phone: str) -> dict:
    return {
        "username": username,
        "real_name": real_name,
        "id_number": mask_id_number(id_number),
        "phone": mask_phone(phone),
    }


@transaction.atomic
def register_owner(
    *,
    actor: Actor,
    real_name: str,
    id_number: str,
    phone: str,
    username: str | None = None,
):
    """登记业主: an owner is a user without an organisation, known by its ID number.

    The account has no usable password: only the owner sets one, proving who it is
    (`activate_owner`); nobody who registers an owner can ever log in as it.
    """
    if not may_register_owners(actor):
        raise Forbidden(
            "仅建设单位或平台运营方可登记业主",
            "only a developer or the operator may register owners",
        )
    real_name, id_number, phone = clean_owner_identity(
        real_name=real_name, id_number=id_number, phone=phone
    )
    if Profile.objects.filter(id_number=id_number).exists():
        raise _violation(
            Code.ALREADY_EXISTS,
            "id_number",
            "该身份证号已登记为业主",
            "an owner with this ID number exists",
        )
    user = get_user_model()(
        username=_clean_username(username) if username else new_owner_username(),
        first_name=real_name,
    )
    user.set_unusable_password()
    user.save()
    Profile.objects.create(
        user=user, roles=[Role.OWNER], real_name=real_name, id_number=id_number, phone=phone
    )
    audit.record(
        actor=actor,
        action=AuditAction.REGISTER_OWNER,
        obj=user,
        after=owner_audit_state(
            username=user.username, real_name=real_name, id_number=id_number, phone=phone
        ),
    )
    return user


# Owner activation: the buyer proves who it is with the ID number and mobile number the sale
# recorded. Misses are counted per source (the client's address): per address and ID number, so
# that a guesser gets a few tries at one owner, and per address whatever the ID numbers, so that
# it cannot spray many owners. Never per ID number alone: a stranger who knows the ID number must
# not be able to lock the real owner out. Counted in the shared cache, not the database, so that
# a refusal writes nothing.
MAX_ACTIVATION_FAILURES = 5  # per address and ID number
MAX_SOURCE_ACTIVATION_FAILURES = 20  # per address
ACTIVATION_WINDOW_SECONDS = 3600


def _activation_failures_key(source: str, id_number: str | None = None) -> str:
    # Hashed: the cache is no place for identity numbers or addresses in clear.
    parts = source if id_number is None else f"{source}|{id_number}"
    return "parties:activation-failures:" + hashlib.sha256(parts.encode()).hexdigest()


def activation_failures(*, source: str, id_number: str | None = None) -> int:
    """Misses from this source (for this ID number, when given) in the current window; the
    window opens at the first miss."""
    number = normalise_id_number(id_number) if id_number is not None else None
    return cache.get(_activation_failures_key(source, number), 0)


def _count(key: str) -> None:
    if cache.add(key, 1, ACTIVATION_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # the window closed between add and incr
        cache.add(key, 1, ACTIVATION_WINDOW_SECONDS)


def _count_activation_failure(*, source: str, id_number: str) -> None:
    _count(_activation_failures_key(source, id_number))
    _count(_activation_failures_key(source))


@transaction.atomic
def activate_owner(*, actor: Actor, id_number: str, phone: str, password: str, source: str):
    """业主账号激活: a buyer whose account a sale or an import opened (without a usable
    password) sets its password, proving who it is by ID number and mobile number.

    A wrong or unknown pair gets one message that says neither which was wrong nor whether the
    ID number is registered. `source` is where the attempt comes from (the client's address,
    `core.http.client_address`): too many misses lock that source, never the owner. The event
    names the visitor when signed in (someone helping the owner), else the owner, who has just
    proved who it is.
    """
    id_number = normalise_id_number(id_number)
    phone = phone.strip()
    if (
        activation_failures(source=source, id_number=id_number) >= MAX_ACTIVATION_FAILURES
        or activation_failures(source=source) >= MAX_SOURCE_ACTIVATION_FAILURES
    ):
        raise RuleViolation(
            rule=None,
            field=None,
            code=Code.TOO_MANY_ATTEMPTS,
            message="尝试次数过多，请一小时后再试",
            message_en="too many attempts; try again in an hour",
        )
    profile = (
        Profile.objects.select_for_update()
        .filter(id_number=id_number, organisation__isnull=True)
        .first()
        if id_number
        else None
    )
    if (
        profile is None
        or Role.OWNER not in profile.roles
        or not phone
        or profile.phone != phone
        or not profile.user.is_active
    ):
        _count_activation_failure(source=source, id_number=id_number)
        raise RuleViolation(
            rule=None,
            field=None,
            code=Code.MISMATCH,
            message="身份证号或手机号与购房登记不符",
            message_en="the ID number or the mobile number does not match the purchase record",
        )
    user = profile.user
    if user.has_usable_password():
        raise RuleViolation(
            rule=None,
            field=None,
            code=Code.ALREADY_ACTIVE,
            message="该账号已激活，请在登录页用身份证号或用户名登录",
            message_en="this account is already active: sign in with your ID number or username",
        )
    _set_password(user, password)
    user.save(update_fields=["password"])
    audit.record(
        actor=actor if actor.user_id is not None else actor_for_user(user),
        action=AuditAction.ACTIVATE_OWNER,
        obj=user,
        before={"activated": False},
        after={
            "activated": True,
            "username": user.username,
            "id_number": mask_id_number(id_number),
        },
    )
    return user
