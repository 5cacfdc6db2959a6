"""Optional integrations with other libraries (installed as extras)."""
