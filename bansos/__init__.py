"""Engine of the bansos pilot monitoring dashboard: ingestion, warehouse,
query runner, indicators, charts, i18n, export, synthetic data and CLI."""
