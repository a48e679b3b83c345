"""factory_boy factories for complaint tests, and `log_complaint`, which logs one through the service.

The four procedures and their rules come from the seed migration (they exist in the test
database); bank holidays do not, so tests that count working days use the `bank_holidays`
fixture from complaints/tests/conftest.py.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group
from django.utils.text import slugify
from factory.django import DjangoModelFactory, Password

from accounts.models import ROLE_GROUP_NAMES, Role, ServiceArea, User
from complaints import services
from complaints.models import Channel, Complaint, Procedure

TEST_PASSWORD = "correct-horse-battery-2026"
# A Monday well clear of bank holidays: Stage 1 of a corporate complaint received then is due
# to be acknowledged on Mon 9 March 2026.
DEFAULT_RECEIVED_ON = dt.date(2026, 3, 2)


def role_group(role) -> Group:
    """The group for a Role (or a group name). get_or_create: transactional tests flush the data migration's rows."""
    name = ROLE_GROUP_NAMES[Role(role)] if role in Role.values else str(role)
    return Group.objects.get_or_create(name=name)[0]


class ServiceAreaFactory(DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Service area {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


def _role(default=None) -> factory.PostGeneration:
    """Adds the user to the role's group: `role=` at call time, else `default`."""

    def add_role(user, create, extracted, **kwargs):
        role = extracted or default
        if create and role:
            user.groups.add(role_group(role))

    return factory.PostGeneration(add_role)


class UserFactory(DjangoModelFactory):
    """A member of staff. `role=Role.CASEWORKER` (or a group name) and `service_areas=[area, ...]`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Person{n}")
    last_name = "Tester"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.uk")
    password = Password(TEST_PASSWORD)
    role = _role()

    @factory.post_generation
    def service_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.service_areas.add(*extracted)


class CaseworkerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"caseworker{n}")
    role = _role(Role.CASEWORKER)


class ManagerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"manager{n}")
    role = _role(Role.MANAGER)


class ComplaintsAdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    role = _role(Role.COMPLAINTS_ADMIN)


def log_complaint(**overrides) -> Complaint:
    """Log a complaint through `services.complaint_register`, with sensible defaults.

    `procedure` may be a slug ("corporate", "housing", "children", "adults"); default corporate.
    Without a `handler`, a caseworker of the service area is made; without a `service_area`, the
    handler's first one (or a new one). `by` defaults to the handler and `today` to `received_on`
    (default Mon 2 March 2026). Any other keyword goes to the service unchanged.
    """
    procedure = overrides.pop("procedure", "corporate")
    if isinstance(procedure, str):
        procedure = Procedure.objects.get(slug=procedure)
    handler = overrides.pop("handler", None)
    service_area = overrides.pop("service_area", None)
    if service_area is None:
        service_area = (handler and handler.service_areas.first()) or ServiceAreaFactory()
    if handler is None:
        handler = CaseworkerFactory(service_areas=[service_area])
    received_on = overrides.pop("received_on", DEFAULT_RECEIVED_ON)
    arguments = dict(
        by=handler,
        today=received_on,
        procedure=procedure,
        service_area=service_area,
        channel=Channel.EMAIL,
        received_on=received_on,
        complainant_name="Ms B",
        complainant_email="ms.b@example.org",
        summary="The council did not arrange the post-16 placement named in the EHC plan.",
        handler=handler,
    )
    arguments.update(overrides)
    return services.complaint_register(**arguments)
