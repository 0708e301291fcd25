"""Peers the widget benchmark loads beside Témoin (bench only)."""
