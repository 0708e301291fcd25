"""The demo site: sample pages from the seed policy, with fake tags for every category."""

from server.demo.views import bp, load_demo

__all__ = ["bp", "load_demo"]
