"""Customers' messages counted per account, local day and local hour, kept current by the worker, so the
per-day chart and the hour-by-weekday heatmap sum a few thousand rows instead of scanning a million."""
