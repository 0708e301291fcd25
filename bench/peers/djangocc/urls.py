"""The peer's URLs: cookie_consent's own, under /cookies/ as its documentation mounts them."""

from django.urls import include, path

urlpatterns = [path("cookies/", include("cookie_consent.urls"))]
