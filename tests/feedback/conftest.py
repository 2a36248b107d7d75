from __future__ import annotations

import pytest

from stepback.feedback import services
from stepback.feedback.models import Channel
from stepback.initiatives.models import Initiative
from tests.conftest import Tenant, make_initiative


@pytest.fixture
def initiative(tenant: Tenant) -> Initiative:
    return make_initiative(tenant.org, "New timetable")


@pytest.fixture
def channel(initiative: Initiative) -> Channel:
    return services.channel_create(initiative=initiative, actor=None, name="Staff suggestions")
