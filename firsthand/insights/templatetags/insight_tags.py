from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def minutes(value):
    """Minutes as people read a wait: "—" for nothing measured, "45 min", "2 h 5 min"."""
    if value is None or value == "":
        return "—"
    hours, rest = divmod(int(value), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@register.filter
def percent(value):
    return "—" if value is None or value == "" else f"{value}%"
