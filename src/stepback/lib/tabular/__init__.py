"""Read and check measurement spreadsheets (CSV, TSV, XLSX) before they are imported.

The import flow is *upload → map columns → preview with every problem → commit all or
nothing*. This package is the pure part of it (no models; its messages go through Django's
translation, in the uploader's language): it turns the uploaded bytes into
a :class:`Table`, guesses a column mapping, works out how dates are written, and checks
every row, listing each problem by its row number in the file and its column name.

* :func:`read_table` (:mod:`.reading`, workbooks in :mod:`.workbooks`) reads files into a
  :class:`Table` (:mod:`.table`: row numbers, headers, limits);
  :func:`dump_table` and :func:`load_table` store one as bytes and read it back.
* :func:`suggest_mapping` (:mod:`.mapping`) guesses which columns hold the date, value,
  note, source and goal.
* :func:`detect_date_orders` (:mod:`.dates`) says how the dates can be read; when that is
  ambiguous (``03/04/2024``) the user confirms day first or month first.
* :func:`parse_number` and :func:`detect_decimal_separator` (:mod:`.numbers`) read values.
* :func:`guard_formula` and :func:`unguard_formula` (:mod:`.formulas`) keep exported text
  from running as a formula, and read it back as it was.
* :func:`validate` (:mod:`.validation`) parses every row and returns an
  :class:`ImportPreview`: the parsed rows, every problem, and the duplicates. Commit only
  when ``preview.ok``.

Each module's docstring states the rules it applies.
"""

from stepback.lib.tabular._common import TableError
from stepback.lib.tabular.dates import DateOrder, detect_date_orders, looks_like_date, parse_date
from stepback.lib.tabular.formulas import guard_formula, unguard_formula
from stepback.lib.tabular.mapping import ColumnMapping, suggest_mapping
from stepback.lib.tabular.numbers import detect_decimal_separator, parse_number
from stepback.lib.tabular.reading import ACCEPTED_EXTENSIONS, read_table
from stepback.lib.tabular.table import (
    MAX_CELLS,
    MAX_COLUMNS,
    Table,
    column_letter,
    dump_table,
    load_table,
)
from stepback.lib.tabular.validation import (
    DuplicateRow,
    ImportPreview,
    ParsedRow,
    RowProblem,
    validate,
)

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "ColumnMapping",
    "DateOrder",
    "DuplicateRow",
    "ImportPreview",
    "ParsedRow",
    "RowProblem",
    "Table",
    "TableError",
    "column_letter",
    "detect_date_orders",
    "detect_decimal_separator",
    "dump_table",
    "guard_formula",
    "load_table",
    "looks_like_date",
    "parse_date",
    "parse_number",
    "read_table",
    "suggest_mapping",
    "unguard_formula",
    "validate",
]
