"""业主账号激活: a buyer registered by a sale (without a password) sets one by proving its ID
number and mobile number, then signs in with its ID number. A wrong pair gets one message that
does not tell whether the ID number is registered, guessing is throttled per source address (a
stranger never locks the owner out), and a refusal writes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from parties_helpers import OPERATOR, audit_count, make_id_number

from idi.core import clock
from idi.core.errors import RuleViolation
from idi.core.models import AuditEvent
from idi.core.permissions import ANONYMOUS
from idi.parties import services
from idi.parties.models import OrgType, Role
from idi.projects import services as projects

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(7, birth="19900307")
PHONE = "13905710101"
NEW_PASSWORD = "Xixi-wetland-2027"
MISMATCH = "身份证号或手机号与购房登记不符"
HOME = "127.0.0.1"  # the test client's address: the owner's own


@pytest.fixture(autouse=True)
def _empty_cache():
    """The failure counts live in the cache: each test starts from none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(org, member):
    """A buyer as the sale page registers it: through record_sale, with no usable password."""
    _, dev = member(org(OrgType.DEVELOPER, name="云栖置业"), "dev_yun", roles=[Role.STAFF])
    project = projects.register_project(
        actor=dev, name="云栖苑", district="xihu", housing_type="commercial"
    )
    planning = projects.add_planning_permit(
        actor=dev, project=project, number="GH-1", issued_on=date(2024, 12, 1)
    )
    permit = projects.add_construction_permit(
        actor=dev,
        project=project,
        planning_permit=planning,
        number="SG-1",
        applied_on=date(2025, 1, 10),
        issued_on=date(2025, 2, 1),
    )
    building = projects.add_building(
        actor=dev,
        project=project,
        permit=permit,
        name="1幢",
        housing_type="commercial",
        floors_above=18,
    )
    unit = projects.add_unit(
        actor=dev, building=building, room_number="101", floor=1, area=Decimal("89.50")
    )
    projects.record_sale(
        actor=dev,
        unit=unit,
        sold_on=clock.today() - timedelta(days=1),
        buyers=[projects.Buyer(real_name="林晓雯", id_number=ID_NUMBER, phone=PHONE)],
    )
    user = get_user_model().objects.get(profile__id_number=ID_NUMBER)
    assert not user.has_usable_password()
    return user


def _activate(client: Client, *, id_number=ID_NUMBER, phone=PHONE, password=NEW_PASSWORD):
    return client.post(
        reverse("parties:activate"),
        {"id_number": id_number, "phone": phone, "password": password, "password2": password},
    )


def _state(user) -> tuple:
    """What a refusal must leave as it was: the password and the audit log."""
    user.refresh_from_db()
    return user.password, audit_count()


def test_login_page_links_to_activation():
    answer = Client().get(reverse("login"))
    assert reverse("parties:activate") in answer.content.decode()
    assert "购房业主首次登录请先激活账号" in answer.content.decode()


@pytest.mark.production_hasher
def test_owner_activates_signs_in_with_id_number_and_sees_its_home(owner):
    client = Client()
    answer = _activate(client, id_number=ID_NUMBER.lower())
    assert answer.status_code == 302
    assert answer.url == reverse("underwriting:my_homes")
    home = client.get(answer.url).content.decode()
    assert owner.username in home  # the message tells the owner its username
    assert "云栖苑 1幢 101" in home

    owner.refresh_from_db()
    assert owner.has_usable_password()
    assert owner.password.startswith("argon2")
    event = AuditEvent.objects.get(action="parties.activate_owner")
    assert (event.object_id, event.actor_id) == (str(owner.pk), owner.pk)
    assert ID_NUMBER not in str(event.after)  # masked: the log is read by many

    fresh = Client()
    signed_in = fresh.post(
        reverse("login"), {"username": ID_NUMBER, "password": NEW_PASSWORD}, follow=True
    )
    assert signed_in.context["user"] == owner
    assert "云栖苑 1幢 101" in fresh.get(reverse("underwriting:my_homes")).content.decode()


def test_id_number_login_with_wrong_password_refused(owner):
    _activate(Client())
    assert not Client().login(
        request=HttpRequest(), username=ID_NUMBER, password="not-the-password-1"
    )
    assert Client().login(request=HttpRequest(), username=owner.username, password=NEW_PASSWORD)


def test_wrong_phone_refused_and_nothing_written(owner):
    before = _state(owner)
    answer = _activate(Client(), phone="13905710102")
    assert answer.status_code == 200
    assert MISMATCH in answer.content.decode()
    assert _state(owner) == before
    assert not owner.has_usable_password()
    assert "_auth_user_id" not in answer.wsgi_request.session


def test_unknown_id_number_gets_the_same_message_and_nothing_written(owner):
    before = _state(owner)
    unknown = _activate(Client(), id_number=make_id_number(8, birth="19900307"))
    wrong_phone = _activate(Client(), phone="13905710102")
    assert MISMATCH in unknown.content.decode()
    # The same page either way: nothing tells whether the ID number is registered.
    assert unknown.context["form"].errors == wrong_phone.context["form"].errors
    assert _state(owner) == before


def test_already_active_account_points_to_the_login_page(owner):
    _activate(Client())
    before = _state(owner)
    answer = _activate(Client(), password="Another-password-2028")
    page = answer.content.decode()
    assert "该账号已激活" in page
    assert reverse("login") in page
    assert _state(owner) == before
    assert owner.check_password(NEW_PASSWORD)


def test_organisation_member_is_not_an_owner_to_activate(org):
    """A member's profile has no ID number: an empty one must match nobody."""
    user = services.create_user(
        actor=OPERATOR,
        organisation=org(OrgType.DEVELOPER),
        username="dev_no_password",
        password=None,
        roles=[Role.STAFF],
        phone=PHONE,
    )
    before = _state(user)
    with pytest.raises(RuleViolation) as refused:
        services.activate_owner(
            actor=ANONYMOUS, id_number="", phone=PHONE, password=NEW_PASSWORD, source=HOME
        )
    assert refused.value.message == MISMATCH
    assert _state(user) == before


def test_mismatched_passwords_refused_on_the_field(owner):
    before = _state(owner)
    answer = Client().post(
        reverse("parties:activate"),
        {
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD + "x",
        },
    )
    assert "password2" in answer.context["form"].errors
    assert _state(owner) == before


def test_weak_password_refused_by_django_validators_and_not_counted(owner):
    before = _state(owner)
    answer = _activate(Client(), password="password")
    assert "password" in answer.context["form"].errors
    assert _state(owner) == before
    assert services.activation_failures(source=HOME, id_number=ID_NUMBER) == 0


def test_sixth_attempt_within_the_hour_refused_even_when_right(owner):
    with time_machine.travel(clock.now(), tick=False) as traveller:
        for _ in range(services.MAX_ACTIVATION_FAILURES):
            assert MISMATCH in _activate(Client(), phone="13905710102").content.decode()
        before = _state(owner)
        answer = _activate(Client())
        assert "尝试次数过多" in answer.content.decode()
        assert _state(owner) == before
        assert not owner.has_usable_password()
        # Another ID number is not held back by this one's misses.
        other = make_id_number(9, birth="19900307")
        assert services.activation_failures(source=HOME, id_number=other) == 0

        traveller.shift(timedelta(seconds=services.ACTIVATION_WINDOW_SECONDS + 1))
        assert _activate(Client()).status_code == 302
    owner.refresh_from_db()
    assert owner.has_usable_password()


def test_a_stranger_cannot_lock_the_real_owner_out(owner):
    """Issue 7: misses lock the address they come from, not the ID number: a stranger who knows
    the owner's ID number fails many times from its own address, and the owner, from its own,
    activates at the first try."""
    stranger = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(services.MAX_ACTIVATION_FAILURES + 3):
        _activate(stranger, phone="13905710102")
    assert "尝试次数过多" in _activate(stranger).content.decode()
    assert services.activation_failures(source="203.0.113.7", id_number=ID_NUMBER) >= 5
    assert services.activation_failures(source=HOME, id_number=ID_NUMBER) == 0
    assert _activate(Client()).status_code == 302
    owner.refresh_from_db()
    assert owner.has_usable_password()


def test_one_address_cannot_spray_many_owners(owner):
    """Per address, whatever the ID numbers: after MAX_SOURCE_ACTIVATION_FAILURES misses across
    different ID numbers the address is refused, even for a right pair."""
    sprayer = Client(REMOTE_ADDR="198.51.100.4")
    for n in range(services.MAX_SOURCE_ACTIVATION_FAILURES):
        _activate(sprayer, id_number=make_id_number(100 + n, birth="19800101"))
    before = _state(owner)
    assert "尝试次数过多" in _activate(sprayer).content.decode()
    assert _state(owner) == before


def test_id_number_and_username_are_one_account_for_log_in_throttling(owner, settings):
    """Issue 7: misses typed as the ID number and as the username count together (django-axes),
    so alternating between the two gains no attempts."""
    _activate(Client())
    for n in range(settings.AXES_FAILURE_LIMIT):
        name = ID_NUMBER if n % 2 else owner.username
        Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(
            reverse("login"), {"username": name, "password": "wrong-password-1"}
        )
    for name in (ID_NUMBER, owner.username):
        answer = Client(REMOTE_ADDR="198.51.100.20").post(
            reverse("login"), {"username": name, "password": NEW_PASSWORD}
        )
        assert answer.status_code == 429
