"""Nova's extra spec operators: how a requirement string such as
``>= 4``, ``<in> avx2`` or ``<or> kvm <or> qemu`` matches a value.

``=`` is "at least" (numeric), ``==``/``!=``/``>=``/``<=`` compare numbers,
``s==``/``s!=``/``s<``/``s<=``/``s>``/``s>=`` compare strings, ``<in>``
looks for a substring, ``<all-in>`` for every one of several, ``<or>``
for one of alternatives; a requirement that starts with no operator must
equal the value exactly. A numeric operator on something that is not a
number does not match.
"""
import operator


def _number(compare):
    def check(value, wanted):
        return compare(float(value), float(wanted))
    return check


_OPERATORS = {
    "=": _number(operator.ge),
    "==": _number(operator.eq),
    "!=": _number(operator.ne),
    ">=": _number(operator.ge),
    "<=": _number(operator.le),
    "<in>": lambda value, wanted: wanted in value,
    "<all-in>": lambda value, wanted: all(item in value for item in wanted),
    "s==": operator.eq,
    "s!=": operator.ne,
    "s<": operator.lt,
    "s<=": operator.le,
    "s>": operator.gt,
    "s>=": operator.ge,
}
OR = "<or>"


def match(value, requirement):
    """Whether value (a string, or None) meets requirement."""
    words = requirement.split()
    operator_name = words.pop(0) if words else None
    method = _OPERATORS.get(operator_name)
    if operator_name != OR and method is None:
        return value == requirement
    if value is None:
        return False
    if operator_name == OR:
        # <or> v1 <or> v2 ...: the alternatives are every other word.
        return value in words[::2]
    if not words:
        return False
    try:
        if operator_name == "<all-in>":
            return method(value, words)
        return method(value, words[0])
    except ValueError:
        return False
