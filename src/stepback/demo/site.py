"""What the parts of the demo share: the password, the log-ins, the site built so far and
how a part reads its data file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from stepback.accounts.models import Organisation, User

# Every demo person's password. The demo refuses to load in production without a flag.
DEMO_PASSWORD = "stepback-demo"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    roles: str  # "Riverside Secondary School: Leader; Northside Primary School: Support team"


@dataclass
class DemoSite:
    """The demo's organisations by slug and people by email, and how many rows were new."""

    organisations: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    api_token: str = ""
    created: int = 0

    def tally(self, created: bool) -> None:
        """Record one row found or created, for the command's summary."""
        self.created += int(created)


def read_data(name: str) -> Any:
    """The parsed JSON data file ``name`` that ships in this package (``demo/<name>``)."""
    return json.loads(resources.files("stepback.demo").joinpath(name).read_text(encoding="utf-8"))
