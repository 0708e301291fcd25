"""The domain: consent evidence, policies and accounts, with no knowledge of HTTP or forms."""
