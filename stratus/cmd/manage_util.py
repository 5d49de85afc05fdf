"""What the `stratus manage` command groups share: the admin context,
the check of a required option, and nova-manage's tables."""
from stratus import context as stratus_context
from stratus.db import api as db_api


def admin_context(conf):
    return stratus_context.get_admin_context(db_api.Databases.from_conf(conf))


def required(value, argument, option):
    """value; when it is empty, say which argument or option gives it."""
    if not value:
        print("Must specify %s if %s is not set in the configuration file."
              % (argument, option))
    return value


def positive_count(text, message):
    """text as a positive integer; None after printing message when it
    is not one (the caller exits 127)."""
    try:
        count = int(text)
    except ValueError:
        count = -1
    if count < 1:
        print(message)
        return None
    return count


def format_table(headers, rows, align="c"):
    """A table drawn like nova-manage's (prettytable: cells centred, or
    with align "l" left-aligned)."""
    cells = [[str(value) for value in row] for row in [headers] + rows]
    widths = [max(len(row[col]) for row in cells)
              for col in range(len(headers))]
    rule = "+" + "+".join("-" * (width + 2) for width in widths) + "+"

    place = _centre if align == "c" else str.ljust

    def line(row):
        return "|" + "|".join(" %s " % place(text, width)
                              for text, width in zip(row, widths)) + "|"
    body = [line(row) for row in cells[1:]]
    return "\n".join([rule, line(cells[0]), rule] + body + [rule])


def _centre(text, width):
    excess = width - len(text)
    left = excess // 2
    if excess % 2 and not len(text) % 2:
        left += 1
    return " " * left + text + " " * (excess - left)
