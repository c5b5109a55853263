"""firsthand: a self-hosted desk where a business runs its own social media."""

__version__ = "0.1.0"
