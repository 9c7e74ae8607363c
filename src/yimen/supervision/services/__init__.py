"""Use cases of county supervision: requests for review (flags) and sampling."""
