"""The ``stepback`` command line.

``stepback serve``, ``worker``, ``demo``, ``createadmin``, ``backup`` and ``restore``
are Stepback's own commands; every other Django management command works too
(``stepback migrate``, ``stepback shell``, ``stepback check --deploy``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

ALIASES = {
    "serve": "serve",
    "worker": "run_huey",
    "demo": "demo",
    "createadmin": "createadmin",
    "backup": "backup",
    "restore": "restore",
}

USAGE = """\
usage: stepback COMMAND [options]

Stepback's commands:
  serve         start the web server and the background worker (Ctrl-C stops both)
  worker        start only the background worker
  demo          load the demo organisations (safe to run again)
  createadmin   create a site administrator who can use /admin/
  backup        write the database and the uploaded files to one archive
  restore       put back a backup (refuses a database that is not empty without --force)

Any Django management command works too, e.g. `stepback migrate`, `stepback check --deploy`.
Run `stepback help COMMAND` for a command's options.
"""


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepback.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    prog = os.path.basename(args[0]) if args else "stepback"
    rest = args[1:]
    if not rest or rest[0] in {"-h", "--help"}:
        sys.stdout.write(USAGE)
        return 0
    if rest[0] in {"migrate", "restore"}:
        # The only commands that may create a missing production SQLite database.
        os.environ["STEPBACK_CREATE_DATABASE"] = "true"
    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings to report a bad configuration
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"stepback: the configuration is not valid: {exc}\n")
        return 2
    if rest[0] == "help" and len(rest) > 1:
        rest = [ALIASES.get(rest[1], rest[1]), "--help"]
    else:
        rest[0] = ALIASES.get(rest[0], rest[0])
    execute_from_command_line([prog, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
