"""The tracker store and lock store that endpoints.yml names (settings: storage/settings.py)."""
