"""The demo site's pages: sample pages from the seed policy, with fake tags for every category.

The site itself (its data and loader) is `server.domain.demo_site`.
"""

from server.demo.views import bp

__all__ = ["bp"]
