from django.shortcuts import render

from firsthand.insights.tabs import TABS


def render_tab(request, tab: str, template: str, context: dict, status: int = 200):
    """An Insights page: the navigation's Insights place, with its tabs and `tab` chosen."""
    return render(request, template, {"active": "insights", "tab": tab, "insight_tabs": TABS, **context}, status=status)
