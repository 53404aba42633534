"""Translation tables, one module per page or concern; see bansos/i18n.py."""
