"""Parent-to-derivative lineage graphs from Hub metadata and local model folders."""
