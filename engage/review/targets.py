"""Enrollment targets as a leader types them: `dimension,group,enrolled` lines, a header line
optional, every bad line named with its value, the reason and what is valid (pure functions)."""

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _

from ..engagements.models import TargetDimension

HEADER = ("dimension", "group", "enrolled")
#: Errors listed at most; the rest are summed up in one line.
MAX_ERRORS = 10


@dataclass
class TargetsError(Exception):
    messages: list[str]


def parse_targets(
    text: str, valid: dict[TargetDimension, dict[str, str]]
) -> dict[TargetDimension, dict[str, int]]:
    """Targets by dimension and group from CSV text; `valid` maps each dimension to its codes
    and their names. Raises TargetsError with one message per bad line."""
    targets: dict[TargetDimension, dict[str, int]] = {}
    errors: list[str] = []
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    dimensions = ", ".join(str(d) for d in TargetDimension)
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and tuple(cell.lower() for cell in cells) == HEADER:
            continue  # the header line is welcome but not needed
        line = ",".join(row)
        if len(cells) > 3 and all(cell.isdigit() for cell in cells[2:]):
            cells = cells[:2] + ["".join(cells[2:])]  # 4,200 typed without quotes
        if len(cells) != 3:
            errors.append(
                _(
                    "Line %(line)s (“%(text)s”): it needs 3 values separated by commas"
                    " (dimension, group, number enrolled); it has %(count)s.",
                    line=number,
                    text=line,
                    count=len(cells),
                )
            )
            continue
        dimension_text, group, enrolled_text = cells
        try:
            dimension = TargetDimension(dimension_text.lower())
        except ValueError:
            errors.append(
                _(
                    "Line %(line)s: “%(value)s” is not a dimension. Use one of: %(valid)s.",
                    line=number,
                    value=dimension_text,
                    valid=dimensions,
                )
            )
            continue
        codes = valid.get(dimension, {})
        if codes and group not in codes:
            errors.append(
                _(
                    "Line %(line)s: “%(value)s” is not a %(dimension)s code. Valid codes:"
                    " %(valid)s.",
                    line=number,
                    value=group,
                    dimension=dimension_text.lower(),
                    valid=", ".join(codes),
                )
            )
            continue
        try:
            enrolled = int(enrolled_text.replace(",", "").replace(" ", ""))
        except ValueError:
            enrolled = -1
        if enrolled < 0:
            errors.append(
                _(
                    "Line %(line)s: “%(value)s” is not a number of people enrolled. Write a"
                    " whole number such as 4200.",
                    line=number,
                    value=enrolled_text,
                )
            )
            continue
        targets.setdefault(dimension, {})[group] = enrolled
    if not errors and not targets:
        errors.append(_("There are no figures to save. Write one line per group."))
    if errors:
        if len(errors) > MAX_ERRORS:
            more = len(errors) - MAX_ERRORS
            errors = errors[:MAX_ERRORS] + [_("And %(count)s more lines.", count=more)]
        raise TargetsError(errors)
    return targets
