"""Self-contained HTML audit reports and their versioned JSON twin."""
