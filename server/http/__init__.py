"""HTTP delivery: the public API, the admin API, widget serving, health, and their helpers."""
